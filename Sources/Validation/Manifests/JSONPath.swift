/// One step into a JSON value: an object key or an array index.
public enum PathComponent: Sendable, Hashable, CustomStringConvertible {
    case key(String)
    case index(Int)

    public var description: String {
        switch self {
        case .key(let k): k
        case .index(let i): "[\(i)]"
        }
    }
}

/// A location inside an object, written the way kubectl and kubernetes-validate print it:
/// `spec.template.spec.containers[0].ports[0].containerPort`.
public struct JSONPath: Sendable, Hashable, CustomStringConvertible, ExpressibleByArrayLiteral {
    public var components: [PathComponent]

    public init(_ components: [PathComponent] = []) { self.components = components }
    public init(arrayLiteral elements: PathComponent...) { components = elements }

    /// Parses `a.b[0].c`; a key holding dots can be written `metadata.annotations["a.b/c"]`.
    public init(parsing text: String) {
        var out: [PathComponent] = []
        var current = ""
        var chars = Array(text)[...]
        func flush() {
            if !current.isEmpty { out.append(.key(current)); current = "" }
        }
        while let c = chars.first {
            chars.removeFirst()
            switch c {
            case ".":
                flush()
            case "[":
                flush()
                var inner = ""
                while let d = chars.first, d != "]" { inner.append(d); chars.removeFirst() }
                if !chars.isEmpty { chars.removeFirst() }
                if let i = Int(inner) {
                    out.append(.index(i))
                } else {
                    out.append(.key(inner.trimmingQuotes()))
                }
            default:
                current.append(c)
            }
        }
        flush()
        components = out
    }

    public func appending(_ c: PathComponent) -> JSONPath { JSONPath(components + [c]) }
    public func appending(key: String) -> JSONPath { appending(.key(key)) }
    public func appending(index: Int) -> JSONPath { appending(.index(index)) }
    public var isEmpty: Bool { components.isEmpty }

    public var description: String {
        var s = ""
        for c in components {
            switch c {
            case .key(let k):
                if k.contains(".") || k.contains("[") {
                    s += "[\"\(k)\"]"
                } else {
                    if !s.isEmpty { s += "." }
                    s += k
                }
            case .index(let i):
                s += "[\(i)]"
            }
        }
        return s
    }
}

extension String {
    fileprivate func trimmingQuotes() -> String {
        if count >= 2, let f = first, let l = last, f == l, f == "\"" || f == "'" {
            return String(dropFirst().dropLast())
        }
        return self
    }
}
