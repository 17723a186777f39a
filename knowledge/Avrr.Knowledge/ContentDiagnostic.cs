namespace Avrr.Knowledge;

public enum DiagnosticSeverity { Error, Warning }

/// <summary>A problem in a content file, printed as <c>file:line: message</c>.</summary>
public sealed record ContentDiagnostic(string File, int Line, string Message, DiagnosticSeverity Severity = DiagnosticSeverity.Error)
{
    /// <summary>
    /// An error of editorial policy (sources, commands, glossary, safeguarding coverage) rather than of structure: it
    /// stops a new version from being published, but a version published before the check existed still loads, so an
    /// upgrade never takes the running bot down over content people already read.
    /// </summary>
    public bool Policy { get; init; }

    public override string ToString() => $"{File}:{Line}: {(Severity == DiagnosticSeverity.Warning ? "warning: " : "")}{Message}";
}

/// <summary>Thrown when content cannot be served because it has errors.</summary>
public sealed class InvalidContentException(IReadOnlyList<ContentDiagnostic> diagnostics)
    : Exception("The knowledge content has errors:\n" + string.Join('\n', diagnostics.Where(d => d.Severity == DiagnosticSeverity.Error)))
{
    public IReadOnlyList<ContentDiagnostic> Diagnostics { get; } = diagnostics;
}
