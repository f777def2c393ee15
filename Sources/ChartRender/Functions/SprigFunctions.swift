extension FunctionLibrary {
    /// Sprig v3's functions as Helm exposes them (no env/expandenv).
    static var sprigFunctions: [TemplateFunction] { SprigCore.functions + SprigMore.functions + SprigSemver.functions + SprigRandom.functions }
}
