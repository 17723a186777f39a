using System.Data.Common;
using System.Globalization;
using System.Text.Json;
using Avrr.Bot.Persistence;
using Avrr.Bot.Privacy;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Avrr.Bot.Turns;

/// <summary>
/// A typed question the bot had no answer to, counted by day, language and the topic of the nearest article so that
/// administrators see which article or example question to add. Nothing in it says who asked. When the person agreed
/// that what they write is kept, the row also points at their message, which stays where it is (in activities,
/// sealed with their key); the pointer is cleared by the database when the message goes (erasure, retention), so the
/// words never outlive the person's data, while the count stays.
/// </summary>
public sealed class UnansweredQuestionRecord
{
    public long Id { get; set; }

    /// <summary>Days since 1970-01-01 (UTC): counts are kept by day, never by a finer time.</summary>
    public long Day { get; set; }

    public required string Language { get; set; }

    /// <summary>The topic of the nearest article, or null when no article shared a word with the question.</summary>
    public string? Topic { get; set; }

    public string? ConversationId { get; set; }

    public long? Seq { get; set; }
}

internal sealed class UnansweredQuestionConfiguration : IAvrrEntityConfiguration<UnansweredQuestionRecord>
{
    public void Configure(EntityTypeBuilder<UnansweredQuestionRecord> e)
    {
        e.ToTable("unanswered_questions");
        e.HasKey(x => x.Id);
        e.Property(x => x.Id).HasColumnName("id").ValueGeneratedOnAdd();
        e.Property(x => x.Day).HasColumnName("day");
        e.Property(x => x.Language).HasColumnName("language").HasMaxLength(16);
        e.Property(x => x.Topic).HasColumnName("topic").HasMaxLength(64);
        e.Property(x => x.ConversationId).HasColumnName("conversation_id").HasMaxLength(200);
        e.Property(x => x.Seq).HasColumnName("seq");
        e.HasIndex(x => x.Day).HasDatabaseName("ix_unanswered_questions_day");
        e.HasIndex(x => new { x.ConversationId, x.Seq }).HasDatabaseName("ix_unanswered_questions_message");
        e.HasOne<ActivityRecord>().WithMany().HasForeignKey(x => new { x.ConversationId, x.Seq })
            .HasConstraintName("fk_unanswered_questions_activity").OnDelete(DeleteBehavior.SetNull);
    }
}

/// <summary>How many questions went unanswered in a language near a topic.</summary>
public sealed record UnansweredCount(string Language, string? Topic, int Count);

/// <summary>The words of an unanswered question, kept because the person agreed that what they write is kept.</summary>
public sealed record UnansweredText(DateOnly Day, string Language, string? Topic, string Text);

/// <summary>What the admin's "Unanswered questions" page reads: the counts, and on request the words kept with consent.</summary>
public sealed class UnansweredQuestions(StoreConnections connections, KeyRing keys, TimeProvider time)
{
    public static long DayOf(DateTimeOffset at) => at.ToUnixTimeMilliseconds() / 86_400_000;

    private long Since(int days) => DayOf(time.GetUtcNow()) - days + 1;

    public async Task<IReadOnlyList<UnansweredCount>> CountsAsync(int days, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command(
            "SELECT language, topic, COUNT(*) FROM unanswered_questions WHERE day >= @since GROUP BY language, topic ORDER BY COUNT(*) DESC, language, topic",
            ("since", Since(days)));
        var result = new List<UnansweredCount>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            result.Add(new UnansweredCount(reader.GetString(0), reader.IsDBNull(1) ? null : reader.GetString(1), Convert.ToInt32(reader.GetValue(2), CultureInfo.InvariantCulture)));
        }

        return result;
    }

    /// <summary>The newest kept questions, opened with each person's key; a message that cannot be opened is left out.</summary>
    public async Task<IReadOnlyList<UnansweredText>> TextsAsync(int days, int max, CancellationToken ct)
    {
        await using var connection = await connections.OpenAsync(ct);
        await using var command = connection.Command(
            """
            SELECT u.day, u.language, u.topic, u.conversation_id, u.seq, a.payload, c.data_key
            FROM unanswered_questions u
            JOIN activities a ON a.conversation_id = u.conversation_id AND a.seq = u.seq
            JOIN conversations c ON c.id = u.conversation_id
            WHERE u.day >= @since AND c.data_key IS NOT NULL
            ORDER BY u.id DESC LIMIT @max
            """,
            ("since", Since(days)), ("max", max));
        var result = new List<UnansweredText>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            var (conversationId, seq) = (reader.GetString(3), reader.GetInt64(4));
            try
            {
                using var key = keys.OpenPersonKey(conversationId, (byte[])reader.GetValue(6));
                using var activity = JsonDocument.Parse(key.Open(SealedField.Activity, seq, (byte[])reader.GetValue(5)));
                if (activity.RootElement.TryGetProperty("text", out var text) && text.GetString() is { Length: > 0 } words)
                {
                    result.Add(new UnansweredText(DateOnly.FromDateTime(DateTime.UnixEpoch.AddDays(reader.GetInt64(0))), reader.GetString(1), reader.IsDBNull(2) ? null : reader.GetString(2), words));
                }
            }
            catch (SealedDataException)
            {
                // A message whose key was rotated away or destroyed mid-read is as good as gone.
            }
        }

        return result;
    }
}
