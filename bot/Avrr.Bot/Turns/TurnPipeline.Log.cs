using Avrr.Dialogs;

namespace Avrr.Bot.Turns;

internal sealed partial class TurnPipeline
{
    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Debug, Message = "Turn completed on {Channel}: {Status}, {Replies} replies")]
        public static partial void TurnCompleted(ILogger logger, string channel, TurnStatus status, int replies);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Information, Message = "Duplicate inbound message on {Channel} ignored")]
        public static partial void Duplicate(ILogger logger, string channel);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Warning, Message = "Version conflict on {Channel}, attempt {Attempt}: retrying the whole turn")]
        public static partial void VersionConflict(ILogger logger, string channel, int attempt);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Information, Message = "Hand-off requested on {Channel} with urgency {Urgency}")]
        public static partial void HandoffRequested(ILogger logger, string channel, HandoffUrgency urgency);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Information, Message = "Conversation data erased on request ({Channel})")]
        public static partial void Erased(ILogger logger, string channel);

        [LoggerMessage(EventId = 1007, Level = LogLevel.Information, Message = "Open case on {Channel} escalated to {Urgency}")]
        public static partial void Escalated(ILogger logger, string channel, HandoffUrgency urgency);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Information, Message = "A {Channel} message arrived for a conversation that was erased meanwhile; it was dropped with it")]
        public static partial void Dropped(ILogger logger, string channel);
    }
}
