using System.IO.Compression;
using Avrr.Knowledge;
using Microsoft.EntityFrameworkCore;

namespace Avrr.Bot.Knowledge;

/// <summary>Content in and out: differences between versions and drafts, export and import as files.</summary>
public sealed partial class KnowledgeStore
{
    public async Task<IReadOnlyList<FileDiff>> DiffVersionsAsync(long fromId, long toId, CancellationToken ct)
    {
        var from = ContentSet.Deserialize((await VersionAsync(fromId, ct)).Files);
        var to = ContentSet.Deserialize((await VersionAsync(toId, ct)).Files);
        return Diff(from, to);
    }

    public async Task<IReadOnlyList<FileDiff>> DiffDraftAsync(long draftId, CancellationToken ct)
    {
        var view = await DraftAsync(draftId, ct);
        return Diff(ContentSet.Deserialize(view.Base.Files), view.Files);
    }

    public static IReadOnlyList<FileDiff> Diff(IReadOnlyDictionary<string, string> from, IReadOnlyDictionary<string, string> to) =>
        ContentSet.Changes(from, to).OrderBy(c => c.Key, StringComparer.Ordinal)
            .Select(c => new FileDiff(c.Key, LineDiff.Compute(from.GetValueOrDefault(c.Key), c.Value), !from.ContainsKey(c.Key), c.Value is null))
            .ToList();

    /// <summary>A version as a zip in the <c>knowledge/content</c> layout.</summary>
    public async Task<byte[]> ExportAsync(long versionId, CancellationToken ct)
    {
        var files = ContentSet.Deserialize((await VersionAsync(versionId, ct)).Files);
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (path, text) in files.OrderBy(f => f.Key, StringComparer.Ordinal))
            {
                var entry = zip.CreateEntry(path, CompressionLevel.Optimal);
                await using var stream = await entry.OpenAsync(ct);
                await stream.WriteAsync(System.Text.Encoding.UTF8.GetBytes(text), ct);
            }
        }

        return buffer.ToArray();
    }

    /// <summary>
    /// A zip of the <c>knowledge/content</c> layout (as exported, or zipped from git) becomes a draft of every
    /// difference to the current version, to be reviewed and published like any other.
    /// </summary>
    public async Task<long> ImportAsync(Stream zipStream, string actor, CancellationToken ct)
    {
        var files = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            await using var zip = new ZipArchive(zipStream, ZipArchiveMode.Read);
            // An archive of the content folder itself, or of a folder (a git checkout) that contains it.
            var manifest = zip.Entries.Select(e => e.FullName.Replace('\\', '/'))
                .Where(p => p == "content.yaml" || p.EndsWith("/content.yaml", StringComparison.Ordinal))
                .OrderBy(p => p.Length).FirstOrDefault()
                ?? throw new KnowledgeEditException("The archive has no content.yaml (at its top or in a folder).");
            var prefix = manifest[..^"content.yaml".Length];
            // A zip bomb is refused before anything is unpacked: content is a few hundred small files.
            if (zip.Entries.Count > 5000 || zip.Entries.Sum(e => e.Length) > 50_000_000)
            {
                throw new KnowledgeEditException("The archive is far larger than any content set (more than 5,000 files or 50 MB unpacked).");
            }

            foreach (var entry in zip.Entries)
            {
                var path = entry.FullName.Replace('\\', '/');
                if (!path.StartsWith(prefix, StringComparison.Ordinal))
                {
                    continue;
                }

                path = path[prefix.Length..];
                if (path.EndsWith('/') || !(path.EndsWith(".yaml", StringComparison.Ordinal) || path.EndsWith(".md", StringComparison.Ordinal)) || path.EndsWith("README.md", StringComparison.Ordinal))
                {
                    continue;
                }

                if (!ContentSet.IsValidPath(path))
                {
                    throw new KnowledgeEditException($"'{entry.FullName}' is not a path in the content layout.");
                }

                if (entry.Length > YamlLimits.MaxCharacters)
                {
                    throw new KnowledgeEditException($"'{entry.FullName}' is larger than {YamlLimits.MaxCharacters / 1000} KB.");
                }

                await using var stream = await entry.OpenAsync(ct);
                using var reader = new StreamReader(stream, System.Text.Encoding.UTF8);
                files[path] = await reader.ReadToEndAsync(ct);
            }
        }
        catch (InvalidDataException ex)
        {
            throw new KnowledgeEditException("The file is not a zip archive: " + ex.Message);
        }

        return await ImportFilesAsync(files, actor, ct);
    }

    /// <summary>A file set in the content layout becomes a draft of its differences to the current version.</summary>
    public async Task<long> ImportFilesAsync(IReadOnlyDictionary<string, string> files, string actor, CancellationToken ct)
    {
        var current = ContentSet.Deserialize((await VersionAsync(published.CurrentId, ct)).Files);
        return await CreateDraftAsync($"Import of {files.Count} files", actor, ct, ContentSet.Changes(current, files));
    }
}
