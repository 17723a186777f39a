using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Avrr.Bot.Persistence.Migrations;

// Written by hand (docs/adr/0003-hand-written-migrations.md); SchemaMatchesModelTests checks it.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261128000000_ChannelContacts")]
public sealed class ChannelContacts : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "channel_contacts",
            columns: table => new
            {
                conversation_id = table.Column<string>(maxLength: 200, nullable: false),
                channel = table.Column<string>(maxLength: 32, nullable: false),
                last_inbound_at = table.Column<long>(nullable: false),
                template_sent_at = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_channel_contacts", x => x.conversation_id));

        migrationBuilder.CreateIndex(name: "ix_activities_external_message_id", table: "activities", column: "external_message_id");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.DropIndex(name: "ix_activities_external_message_id", table: "activities");
        migrationBuilder.DropTable(name: "channel_contacts");
    }
}
