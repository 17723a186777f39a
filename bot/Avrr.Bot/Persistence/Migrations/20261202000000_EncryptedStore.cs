using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Avrr.Bot.Persistence.Migrations;

/// <summary>
/// Personal fields become binary (sealed with the person's data key), conversations get a wrapped data key, a keyed
/// hash of the platform address for lookups, and an erasure mark; expiry columns serve retention. Existing text is
/// kept as UTF-8 bytes here and sealed by the privacy start-up step, which needs the master key that migrations never see.
/// </summary>
// Written by hand (docs/adr/0003-hand-written-migrations.md); SchemaMatchesModelTests checks it on both providers.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261202000000_EncryptedStore")]
public sealed class EncryptedStore : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        if (migrationBuilder.ActiveProvider == "Microsoft.EntityFrameworkCore.Sqlite")
        {
            // SQLite cannot change a column's type: each table is rebuilt with its final definition and its rows copied.
            foreach (var statement in SqliteRebuild)
            {
                migrationBuilder.Sql(statement);
            }
        }
        else
        {
            foreach (var (table, column) in new[] { ("conversations", "state"), ("conversations", "channel_address"), ("activities", "payload"), ("inbox", "payload"), ("handoff_requests", "case_summary") })
            {
                migrationBuilder.Sql($"ALTER TABLE {table} ALTER COLUMN {column} TYPE bytea USING convert_to({column}, 'UTF8')");
            }

            migrationBuilder.Sql("ALTER TABLE conversations ALTER COLUMN channel_address DROP NOT NULL");
            migrationBuilder.AddColumn<string>(name: "address_hash", table: "conversations", maxLength: 64, nullable: true);
            migrationBuilder.AddColumn<byte[]>(name: "data_key", table: "conversations", nullable: true);
            migrationBuilder.AddColumn<long>(name: "erased_at", table: "conversations", nullable: true);
            migrationBuilder.AddColumn<long>(name: "expires_at", table: "activities", nullable: true);
            migrationBuilder.DropIndex(name: "ix_conversations_channel_address", table: "conversations");
        }

        migrationBuilder.CreateIndex(name: "ux_conversations_address", table: "conversations", columns: ["channel", "address_hash"], unique: true);
        migrationBuilder.CreateIndex(name: "ix_conversations_updated_at", table: "conversations", column: "updated_at");
        migrationBuilder.CreateIndex(name: "ix_activities_expires_at", table: "activities", column: "expires_at", filter: "expires_at IS NOT NULL");
    }

    protected override void Down(MigrationBuilder migrationBuilder) =>
        throw new NotSupportedException("Encrypted data cannot be migrated back to plaintext; restore a backup taken before the upgrade instead.");

    private static readonly string[] SqliteRebuild =
    [
        """
        CREATE TABLE "conversations_new" (
            "id" TEXT NOT NULL CONSTRAINT "PK_conversations" PRIMARY KEY,
            "channel" TEXT NOT NULL,
            "channel_address" BLOB NULL,
            "address_hash" TEXT NULL,
            "data_key" BLOB NULL,
            "state" BLOB NULL,
            "version" INTEGER NOT NULL,
            "next_seq" INTEGER NOT NULL,
            "owner" INTEGER NOT NULL,
            "opted_out" INTEGER NOT NULL,
            "created_at" INTEGER NOT NULL,
            "updated_at" INTEGER NOT NULL,
            "erased_at" INTEGER NULL)
        """,
        """
        INSERT INTO "conversations_new" ("id", "channel", "channel_address", "state", "version", "next_seq", "owner", "opted_out", "created_at", "updated_at")
        SELECT "id", "channel", CAST("channel_address" AS BLOB), CAST("state" AS BLOB), "version", "next_seq", "owner", "opted_out", "created_at", "updated_at" FROM "conversations"
        """,
        "DROP TABLE \"conversations\"",
        "ALTER TABLE \"conversations_new\" RENAME TO \"conversations\"",
        """
        CREATE TABLE "activities_new" (
            "conversation_id" TEXT NOT NULL,
            "seq" INTEGER NOT NULL,
            "direction" INTEGER NOT NULL,
            "payload" BLOB NOT NULL,
            "created_at" INTEGER NOT NULL,
            "expires_at" INTEGER NULL,
            "delivery" INTEGER NOT NULL,
            "attempts" INTEGER NOT NULL,
            "next_attempt_at" INTEGER NULL,
            "last_error" TEXT NULL,
            "external_message_id" TEXT NULL,
            CONSTRAINT "PK_activities" PRIMARY KEY ("conversation_id", "seq"))
        """,
        """
        INSERT INTO "activities_new" ("conversation_id", "seq", "direction", "payload", "created_at", "delivery", "attempts", "next_attempt_at", "last_error", "external_message_id")
        SELECT "conversation_id", "seq", "direction", CAST("payload" AS BLOB), "created_at", "delivery", "attempts", "next_attempt_at", "last_error", "external_message_id" FROM "activities"
        """,
        "DROP TABLE \"activities\"",
        "ALTER TABLE \"activities_new\" RENAME TO \"activities\"",
        "CREATE INDEX \"ix_activities_delivery\" ON \"activities\" (\"delivery\", \"next_attempt_at\")",
        "CREATE INDEX \"ix_activities_external_message_id\" ON \"activities\" (\"external_message_id\")",
        """
        CREATE TABLE "inbox_new" (
            "id" INTEGER NOT NULL CONSTRAINT "PK_inbox" PRIMARY KEY AUTOINCREMENT,
            "channel" TEXT NOT NULL,
            "external_id" TEXT NOT NULL,
            "conversation_id" TEXT NOT NULL,
            "received_at" INTEGER NOT NULL,
            "status" INTEGER NOT NULL,
            "payload" BLOB NULL)
        """,
        """
        INSERT INTO "inbox_new" ("id", "channel", "external_id", "conversation_id", "received_at", "status", "payload")
        SELECT "id", "channel", "external_id", "conversation_id", "received_at", "status", CAST("payload" AS BLOB) FROM "inbox"
        """,
        "DROP TABLE \"inbox\"",
        "ALTER TABLE \"inbox_new\" RENAME TO \"inbox\"",
        "CREATE UNIQUE INDEX \"ux_inbox_channel_external_id\" ON \"inbox\" (\"channel\", \"external_id\")",
        "CREATE INDEX \"ix_inbox_status\" ON \"inbox\" (\"status\", \"id\")",
        """
        CREATE TABLE "handoff_requests_new" (
            "id" INTEGER NOT NULL CONSTRAINT "PK_handoff_requests" PRIMARY KEY AUTOINCREMENT,
            "conversation_id" TEXT NOT NULL,
            "urgency" INTEGER NOT NULL,
            "reason" TEXT NOT NULL,
            "case_summary" BLOB NOT NULL,
            "status" INTEGER NOT NULL,
            "created_at" INTEGER NOT NULL)
        """,
        """
        INSERT INTO "handoff_requests_new" ("id", "conversation_id", "urgency", "reason", "case_summary", "status", "created_at")
        SELECT "id", "conversation_id", "urgency", "reason", CAST("case_summary" AS BLOB), "status", "created_at" FROM "handoff_requests"
        """,
        "DROP TABLE \"handoff_requests\"",
        "ALTER TABLE \"handoff_requests_new\" RENAME TO \"handoff_requests\"",
        "CREATE INDEX \"ix_handoff_requests_status\" ON \"handoff_requests\" (\"status\", \"urgency\")",
        "CREATE INDEX \"ix_handoff_requests_conversation\" ON \"handoff_requests\" (\"conversation_id\")",
    ];
}
