import Foundation

/// Sprig's conversions (its strval/strslice and spf13/cast's ToInt64/ToFloat64) and `empty`.
enum SprigConvert {
    /// strval: strings as they are, everything else through fmt's %v.
    static func string(_ v: Value) -> String {
        switch v {
        case .string(let s): return s
        case .list(let l, .uint8): return String(decoding: l.map { if case .int(let b) = $0 { UInt8(truncatingIfNeeded: b) } else { 0 } }, as: UTF8.self)
        default: return GoFmt.format(v)
        }
    }

    /// strslice: a list's items as strings (nil items dropped from []interface{}), or a one-item list.
    static func strings(_ v: Value) -> [String] {
        switch v {
        case .list(let l, .string): return l.map { $0.stringValue ?? "" }
        case .list(let l, _): return l.compactMap { $0.isNull ? nil : string($0) }
        case .null: return []
        default: return [string(v)]
        }
    }

    /// cast.ToInt64 (errors become 0, as the non-E variant does).
    static func int64(_ v: Value) -> Int64 {
        switch v {
        case .int(let i): return Int64(i)
        case .int64(let i): return i
        case .float(let d): return d.isFinite && Swift.abs(d) < 9.2e18 ? Int64(d) : (d.isFinite ? (d < 0 ? Int64.min : Int64.min) : Int64.min)
        case .bool(let b): return b ? 1 : 0
        case .string(let s):
            var t = s
            // cast trims a zero decimal part ("3.0" → "3") before parsing with base 0.
            if let dot = t.firstIndex(of: "."), t[t.index(after: dot)...].allSatisfy({ $0 == "0" }) { t = String(t[..<dot]) }
            return GoLiteral.parseInt(t) ?? 0
        default: return 0
        }
    }

    /// cast.ToFloat64.
    static func float64(_ v: Value) -> Double {
        switch v {
        case .int(let i): return Double(i)
        case .int64(let i): return Double(i)
        case .float(let d): return d
        case .bool(let b): return b ? 1 : 0
        case .string(let s): return Double(s) ?? 0
        default: return 0
        }
    }

    /// Sprig's `empty`: zero values, empty collections and nil are empty; structs never are.
    static func isEmpty(_ v: Value) -> Bool {
        switch v {
        case .null: return true
        case .bool(let b): return !b
        case .int(let i): return i == 0
        case .int64(let i): return i == 0
        case .float(let d): return d == 0
        case .string(let s): return s.isEmpty
        case .list(let l, _): return l.isEmpty
        case .map(let m, _): return m.isEmpty
        case .object: return false
        }
    }

    /// The reflect.Kind name Sprig's list errors print.
    static func kind(_ v: Value) -> String { v.goType?.kind ?? "invalid" }

    /// A list argument's items, or Sprig's error for a non-list.
    static func list(_ v: Value, _ what: String) throws -> [Value] {
        if case .list(let l, _) = v { return l }
        // Sprig asks reflect for the kind of nil, which panics in Go.
        if case .null = v { throw FunctionError("runtime error: invalid memory address or nil pointer dereference") }
        throw FunctionError("Cannot \(what) on type \(kind(v))")
    }
}
