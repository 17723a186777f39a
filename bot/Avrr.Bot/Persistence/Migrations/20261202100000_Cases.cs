using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Microsoft.EntityFrameworkCore.Migrations.Operations;
using Microsoft.EntityFrameworkCore.Migrations.Operations.Builders;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Avrr.Bot.Persistence.Migrations;

/// <summary>
/// Cases replace hand-off requests: one case per conversation with open requests (their highest urgency, their latest
/// summary, which is sealed with the same field and row so it is copied as it is), with an "opened" event each;
/// conversations whose case is open are queued. Case history, private notes, staff profiles and webhook deliveries
/// get their tables.
/// </summary>
// Written by hand (docs/adr/0003-hand-written-migrations.md); SchemaMatchesModelTests checks it on both providers.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261202100000_Cases")]
public sealed class Cases : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        var sqlite = migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite";
        migrationBuilder.CreateTable(
            name: "cases",
            columns: table => new
            {
                id = Identity(table),
                reference = table.Column<string>(maxLength: 16, nullable: false),
                conversation_id = table.Column<string>(maxLength: 200, nullable: false),
                status = table.Column<int>(nullable: false),
                channel = table.Column<string>(maxLength: 32, nullable: false),
                language = table.Column<string>(maxLength: 16, nullable: true),
                programme = table.Column<string>(maxLength: 32, nullable: true),
                urgency = table.Column<int>(nullable: false),
                reason = table.Column<string>(maxLength: 200, nullable: false),
                assignee = table.Column<string>(maxLength: 450, nullable: true),
                created_at = table.Column<long>(nullable: false),
                claimed_at = table.Column<long>(nullable: true),
                first_response_at = table.Column<long>(nullable: true),
                last_inbound_at = table.Column<long>(nullable: true),
                last_reply_at = table.Column<long>(nullable: true),
                closed_at = table.Column<long>(nullable: true),
                outcome = table.Column<string>(maxLength: 64, nullable: true),
                updated_at = table.Column<long>(nullable: false),
                version = table.Column<long>(nullable: false),
                summary = table.Column<byte[]>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_cases", x => x.id));
        migrationBuilder.CreateIndex(name: "ux_cases_reference", table: "cases", column: "reference", unique: true);
        migrationBuilder.CreateIndex(name: "ux_cases_open_conversation", table: "cases", column: "conversation_id", unique: true, filter: "status = 0");
        migrationBuilder.CreateIndex(name: "ix_cases_queue", table: "cases", columns: ["status", "urgency", "created_at"]);
        migrationBuilder.CreateIndex(name: "ix_cases_assignee", table: "cases", columns: ["assignee", "status"]);
        migrationBuilder.CreateIndex(name: "ix_cases_closed_at", table: "cases", column: "closed_at");

        migrationBuilder.CreateTable(
            name: "case_events",
            columns: table => new
            {
                id = Identity(table),
                case_id = table.Column<long>(nullable: false),
                at = table.Column<long>(nullable: false),
                actor = table.Column<string>(maxLength: 256, nullable: false),
                kind = table.Column<string>(maxLength: 32, nullable: false),
                detail = table.Column<string>(maxLength: 300, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_case_events", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_case_events_case", table: "case_events", columns: ["case_id", "id"]);

        migrationBuilder.CreateTable(
            name: "case_notes",
            columns: table => new
            {
                id = Identity(table),
                case_id = table.Column<long>(nullable: false),
                author = table.Column<string>(maxLength: 450, nullable: false),
                at = table.Column<long>(nullable: false),
                body = table.Column<byte[]>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_case_notes", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_case_notes_case", table: "case_notes", column: "case_id");

        migrationBuilder.CreateTable(
            name: "staff_profiles",
            columns: table => new
            {
                user_id = table.Column<string>(maxLength: 450, nullable: false),
                display_name = table.Column<string>(maxLength: 100, nullable: false),
                languages = table.Column<string>(maxLength: 200, nullable: false),
                ui_language = table.Column<string>(maxLength: 16, nullable: true),
                capacity = table.Column<int>(nullable: false),
                available = table.Column<bool>(nullable: false),
                last_seen_at = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_staff_profiles", x => x.user_id));

        migrationBuilder.CreateTable(
            name: "case_webhooks",
            columns: table => new
            {
                id = Identity(table),
                case_id = table.Column<long>(nullable: false),
                @event = table.Column<string>(name: "event", maxLength: 32, nullable: false),
                created_at = table.Column<long>(nullable: false),
                attempts = table.Column<int>(nullable: false),
                next_attempt_at = table.Column<long>(nullable: true),
                delivered_at = table.Column<long>(nullable: true),
                last_error = table.Column<string>(maxLength: 1000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_case_webhooks", x => x.id));
        migrationBuilder.CreateIndex(name: "ix_case_webhooks_due", table: "case_webhooks", columns: ["delivered_at", "next_attempt_at"]);

        // One case per conversation that asked: its latest request gives the summary and reason, all of them the urgency.
        migrationBuilder.Sql("""
            INSERT INTO cases (reference, conversation_id, status, channel, urgency, reason, created_at, updated_at, closed_at, version, summary)
            SELECT 'MIGRATING-' || h.id, h.conversation_id,
                   CASE WHEN agg.open_count > 0 THEN 0 ELSE 1 END,
                   c.channel, agg.max_urgency, h.reason, agg.first_at, agg.last_at,
                   CASE WHEN agg.open_count > 0 THEN NULL ELSE agg.last_at END,
                   1, h.case_summary
            FROM (SELECT id, conversation_id, reason, case_summary,
                         ROW_NUMBER() OVER (PARTITION BY conversation_id ORDER BY created_at DESC, id DESC) AS rn
                  FROM handoff_requests) h
            JOIN (SELECT conversation_id, MAX(urgency) AS max_urgency, MIN(created_at) AS first_at, MAX(created_at) AS last_at,
                         SUM(CASE WHEN status <> 2 THEN 1 ELSE 0 END) AS open_count
                  FROM handoff_requests GROUP BY conversation_id) agg ON agg.conversation_id = h.conversation_id
            JOIN conversations c ON c.id = h.conversation_id
            WHERE h.rn = 1
            """);
        // Migrated cases get a number reference (AV-0012); new ones a random one, which the unique index keeps apart.
        migrationBuilder.Sql(sqlite
            ? "UPDATE cases SET reference = printf('AV-%04d', id) WHERE reference LIKE 'MIGRATING-%'"
            : "UPDATE cases SET reference = 'AV-' || lpad(id::text, 4, '0') WHERE reference LIKE 'MIGRATING-%'");
        migrationBuilder.Sql("INSERT INTO case_events (case_id, at, actor, kind, detail) SELECT id, created_at, 'bot', 'opened', 'migrated from the hand-off requests' FROM cases");
        migrationBuilder.Sql("UPDATE conversations SET owner = 1, version = version + 1 WHERE owner = 0 AND id IN (SELECT conversation_id FROM cases WHERE status = 0)");
        migrationBuilder.DropTable(name: "handoff_requests");
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Cases cannot be turned back into hand-off requests; restore a backup taken before the upgrade instead.");

    private static OperationBuilder<AddColumnOperation> Identity(ColumnsBuilder table) =>
        table.Column<long>(nullable: false)
            .Annotation("Sqlite:Autoincrement", true)
            .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn);
}
