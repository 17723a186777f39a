namespace Avrr.Knowledge;

/// <summary>
/// Contractions and phone spellings written out, so one lexicon phrase catches how people actually type it: "I'm 16",
/// "im 16" and "I am 16"; "can't breathe" and "cannot breathe". Works on folded text (apostrophes are spaces there),
/// padded with a space on both sides.
/// </summary>
internal static class SpokenForms
{
    private static readonly (string Written, string Meant)[] Forms =
    [
        (" i m ", " i am "), (" im ", " i am "), (" iam ", " i am "),
        (" can t ", " cannot "), (" cant ", " cannot "), (" can not ", " cannot "),
        (" don t ", " do not "), (" dont ", " do not "), (" won t ", " will not "), (" wont ", " will not "),
        (" didn t ", " did not "), (" didnt ", " did not "), (" isn t ", " is not "), (" isnt ", " is not "),
        (" he s ", " he is "), (" she s ", " she is "), (" it s ", " it is "), (" they re ", " they are "), (" theyre ", " they are "),
        (" i ve ", " i have "), (" ive ", " i have "), (" i ll ", " i will "), (" they ll ", " they will "), (" u ", " you "),
    ];

    public static string Expand(string padded)
    {
        foreach (var (written, meant) in Forms)
        {
            // Twice: overlapping matches (" i m i m ") share their spaces.
            padded = padded.Replace(written, meant, StringComparison.Ordinal).Replace(written, meant, StringComparison.Ordinal);
        }

        return padded;
    }
}
