extension FunctionLibrary {
    /// Sprig v3's functions as Helm exposes them (no env/expandenv); filled in by Functions/Sprig*.
    static var sprigFunctions: [TemplateFunction] { [] }
}
