namespace Avrr.Dialogs.Intake;

/// <summary>Splits a message over a channel's length limit at paragraph, then sentence, then word boundaries.</summary>
internal static class TextSplitter
{
    private static readonly System.Buffers.SearchValues<char> SentenceEnds = System.Buffers.SearchValues.Create(".!?؟۔।。\n");

    public static List<string> Split(string text, int max)
    {
        var parts = new List<string>();
        var rest = text.Trim();
        while (rest.Length > max)
        {
            var cut = LastBoundary(rest, max);
            parts.Add(rest[..cut].Trim());
            rest = rest[cut..].Trim();
        }

        if (rest.Length > 0 || parts.Count == 0)
        {
            parts.Add(rest);
        }

        return parts;
    }

    private static int LastBoundary(string text, int max)
    {
        var window = text.AsSpan(0, max);
        var paragraph = window.LastIndexOf("\n\n");
        if (paragraph > max / 2)
        {
            return paragraph + 2;
        }

        var sentence = window.LastIndexOfAny(SentenceEnds);
        if (sentence > max / 2)
        {
            return sentence + 1;
        }

        var space = window.LastIndexOf(' ');
        if (space > max / 2)
        {
            return space + 1;
        }

        // No boundary at all (one very long word): cut, but never between the halves of a surrogate pair.
        return char.IsHighSurrogate(text[max - 1]) ? max - 1 : max;
    }
}
