namespace Avrr.Knowledge;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>A problem in a content file, printed as <c>file:line: message</c>.</summary>
public sealed record ContentDiagnostic(string File, int Line, string Message, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    public override string ToString() => $"{File}:{Line}: {(Severity == DiagnosticSeverity.Warning ? "warning: " : "")}{Message}";
}

/// <summary>Thrown when content cannot be served because it has errors.</summary>
public sealed class InvalidContentException(IReadOnlyList<ContentDiagnostic> diagnostics)
    : Exception("The knowledge content has errors:\n" + string.Join('\n', diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)))
{
    public IReadOnlyList<ContentDiagnostic> Diagnostics { get; } = diagnostics;
}
