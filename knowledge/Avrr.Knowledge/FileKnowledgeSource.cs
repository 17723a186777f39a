namespace Avrr.Knowledge;

/// <summary>The shipped content directory as the one published version.</summary>
public sealed class FileKnowledgeSource(string path) : IKnowledgeSource
{
    private readonly IKnowledgeSnapshot _snapshot = KnowledgeLoader.LoadDirectory(path);

    public IKnowledgeSnapshot Current => _snapshot;

    public IKnowledgeSnapshot? Find(string version) => version == _snapshot.Version ? _snapshot : null;
}
