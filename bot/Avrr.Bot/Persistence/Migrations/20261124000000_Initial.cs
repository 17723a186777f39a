using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Avrr.Bot.Persistence.Migrations;

// Written by hand: Microsoft.EntityFrameworkCore.Design does not restore here (docs/adr/0003-hand-written-migrations.md).
// SchemaMatchesModelTests keeps this in step with AvrrDbContext on SQLite and PostgreSQL.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261124000000_Initial")]
public sealed class Initial : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "conversations",
            columns: table => new
            {
                id = table.Column<string>(maxLength: 200, nullable: false),
                channel = table.Column<string>(maxLength: 32, nullable: false),
                channel_address = table.Column<string>(maxLength: 200, nullable: false),
                state = table.Column<string>(nullable: true),
                version = table.Column<long>(nullable: false),
                next_seq = table.Column<long>(nullable: false),
                owner = table.Column<int>(nullable: false),
                opted_out = table.Column<bool>(nullable: false),
                created_at = table.Column<long>(nullable: false),
                updated_at = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_conversations", x => x.id));

        migrationBuilder.CreateIndex(
            name: "ix_conversations_channel_address",
            table: "conversations",
            columns: ["channel", "channel_address"]);

        migrationBuilder.CreateTable(
            name: "inbox",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                channel = table.Column<string>(maxLength: 32, nullable: false),
                external_id = table.Column<string>(maxLength: 200, nullable: false),
                conversation_id = table.Column<string>(maxLength: 200, nullable: false),
                received_at = table.Column<long>(nullable: false),
                status = table.Column<int>(nullable: false),
                payload = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_inbox", x => x.id));

        migrationBuilder.CreateIndex(
            name: "ux_inbox_channel_external_id",
            table: "inbox",
            columns: ["channel", "external_id"],
            unique: true);

        migrationBuilder.CreateIndex(
            name: "ix_inbox_status",
            table: "inbox",
            columns: ["status", "id"]);

        migrationBuilder.CreateTable(
            name: "activities",
            columns: table => new
            {
                conversation_id = table.Column<string>(maxLength: 200, nullable: false),
                seq = table.Column<long>(nullable: false),
                direction = table.Column<int>(nullable: false),
                payload = table.Column<string>(nullable: false),
                created_at = table.Column<long>(nullable: false),
                delivery = table.Column<int>(nullable: false),
                attempts = table.Column<int>(nullable: false),
                next_attempt_at = table.Column<long>(nullable: true),
                last_error = table.Column<string>(maxLength: 1000, nullable: true),
                external_message_id = table.Column<string>(maxLength: 200, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_activities", x => new { x.conversation_id, x.seq }));

        migrationBuilder.CreateIndex(
            name: "ix_activities_delivery",
            table: "activities",
            columns: ["delivery", "next_attempt_at"]);

        migrationBuilder.CreateTable(
            name: "handoff_requests",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                conversation_id = table.Column<string>(maxLength: 200, nullable: false),
                urgency = table.Column<int>(nullable: false),
                reason = table.Column<string>(maxLength: 200, nullable: false),
                case_summary = table.Column<string>(nullable: false),
                status = table.Column<int>(nullable: false),
                created_at = table.Column<long>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_handoff_requests", x => x.id));

        migrationBuilder.CreateIndex(
            name: "ix_handoff_requests_status",
            table: "handoff_requests",
            columns: ["status", "urgency"]);

        migrationBuilder.CreateIndex(
            name: "ix_handoff_requests_conversation",
            table: "handoff_requests",
            column: "conversation_id");

        migrationBuilder.CreateTable(
            name: "host_settings",
            columns: table => new
            {
                key = table.Column<string>(maxLength: 100, nullable: false),
                value = table.Column<string>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_host_settings", x => x.key));
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropTable(name: "host_settings");
        migrationBuilder.DropTable(name: "handoff_requests");
        migrationBuilder.DropTable(name: "activities");
        migrationBuilder.DropTable(name: "inbox");
        migrationBuilder.DropTable(name: "conversations");
    }
}
