namespace Avrr.Dialogs.Intake;

/// <summary>
/// The machine values of the choices the intake offers. A pressed button comes back with its value, so these are a
/// contract with every channel's stored keyboards: never rename one.
/// </summary>
internal static class Choices
{
    public const string LanguagePrefix = "lang:";
    public const string AnswerPrefix = "ans:";
    public const string ArticlePrefix = "article:";

    public const string ConsentYes = "consent:yes";
    public const string ConsentNo = "consent:no";
    public const string ConsentMore = "consent:more";

    public const string MenuLearn = "menu:learn";
    public const string MenuCheck = "menu:check";
    public const string MenuCounsellor = "menu:counsellor";
    public const string MenuMyData = "menu:mydata";
    public const string MenuLanguage = "menu:language";

    public const string BackToMenu = "nav:menu";

    public const string HandoffYes = "handoff:yes";
    public const string HandoffNo = "handoff:no";

    public const string DataDelete = "data:delete";
    public const string DeleteYes = "delete:yes";
    public const string DeleteNo = "delete:no";
}
