import TarsServer

let info = ServiceInfo()
print("\(info.service) \(info.version)")
