import Foundation
#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import KubeClient
import Sandbox

/// A minimal HTTP CONNECT proxy on 127.0.0.1 (blocking sockets, a thread per direction) that
/// records the targets it tunnelled to.
final class ConnectProxy: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private let lock = NSLock()
    private var targets: [String] = []

    var tunnelled: [String] {
        lock.lock()
        defer { lock.unlock() }
        return targets
    }

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = 0
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard bound == 0, listen(fd, 16) == 0 else { throw SandboxError("proxy: cannot listen") }
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &len) } }
        port = Int(UInt16(bigEndian: addr.sin_port))
        listener = fd
        Thread.detachNewThread { [self] in
            while true {
                let client = accept(fd, nil, nil)
                if client < 0 { return }
                Thread.detachNewThread { [self] in self.serve(client) }
            }
        }
    }

    func stop() {
        shutdown(listener, Int32(SHUT_RDWR))
        close(listener)
    }

    private func serve(_ client: Int32) {
        var head: [UInt8] = []
        var byte: UInt8 = 0
        while !head.suffix(4).elementsEqual([13, 10, 13, 10]) {
            guard read(client, &byte, 1) == 1 else { close(client); return }
            head.append(byte)
        }
        let line = String(decoding: head, as: UTF8.self).split(separator: "\r\n").first ?? ""
        let parts = line.split(separator: " ")
        guard parts.count >= 2, parts[0] == "CONNECT" else { close(client); return }
        let target = String(parts[1])
        lock.lock()
        targets.append(target)
        lock.unlock()
        let hostPort = target.split(separator: ":")
        let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_port = UInt16(hostPort.count > 1 ? Int(hostPort[1]) ?? 443 : 443).bigEndian
        addr.sin_addr.s_addr = inet_addr(String(hostPort[0]))
        let connected = withUnsafePointer(to: &addr) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { close(client); close(upstream); return }
        let ok = Array("HTTP/1.1 200 Connection established\r\n\r\n".utf8)
        _ = write(client, ok, ok.count)
        @Sendable func pump(_ from: Int32, _ to: Int32) {
            var buffer = [UInt8](repeating: 0, count: 16384)
            while true {
                let n = read(from, &buffer, buffer.count)
                if n <= 0 { break }
                var sent = 0
                while sent < n {
                    let w = buffer[sent..<n].withUnsafeBytes { write(to, $0.baseAddress, n - sent) }
                    if w <= 0 { break }
                    sent += w
                }
            }
            shutdown(to, Int32(SHUT_WR))
        }
        let done = DispatchSemaphore(value: 0)
        Thread.detachNewThread {
            pump(upstream, client)
            done.signal()
        }
        pump(client, upstream)
        done.wait()
        close(client)
        close(upstream)
    }
}

@Suite struct ProxyTests {
    @Test func proxyURLTunnelsThroughHTTPConnect() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        let proxy = try ConnectProxy()
        defer { proxy.stop() }
        try await withSandbox { server in
            let ca = Data(server.caPEM.utf8).base64EncodedString()
            let config = try kubeconfig(server, dir: dir, user: "    token: \(server.token)",
                                        cluster: "    certificate-authority-data: \(ca)\n    proxy-url: http://127.0.0.1:\(proxy.port)")
            let client = try KubeClient(config: config, options: testOptions(dir))
            _ = try await client.apply(configMap("via-proxy"))
            #expect(try await client.get(apiVersion: "v1", kind: "ConfigMap", name: "via-proxy")["data"] == ["a": "1"])
            #expect(proxy.tunnelled.contains("127.0.0.1:\(server.port)"))
            await client.shutdown()
        }
    }

    @Test func unsupportedProxySchemeIsAConfigurationError() async throws {
        let dir = try TempDir()
        defer { dir.remove() }
        try await withSandbox { server in
            let config = try kubeconfig(server, dir: dir, user: "    token: x", cluster: "    proxy-url: ftp://proxy:21")
            let error = #expect(throws: KubeClientError.self) { _ = try KubeClient(config: config, options: testOptions(dir)) }
            #expect(error?.description == "proxy-url \"ftp://proxy:21\" of cluster \"sandbox\": only http:// and socks5:// proxies are supported")
        }
    }
}
