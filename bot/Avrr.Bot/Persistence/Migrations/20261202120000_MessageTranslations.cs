using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Avrr.Bot.Persistence.Migrations;

/// <summary>Machine translations beside the messages they belong to, deleted with them (foreign key, cascade).</summary>
// Written by hand (docs/adr/0003-hand-written-migrations.md); SchemaMatchesModelTests checks it on both providers.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261202120000_MessageTranslations")]
public sealed class MessageTranslations : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder) =>
        migrationBuilder.CreateTable(
            name: "message_translations",
            columns: table => new
            {
                conversation_id = table.Column<string>(maxLength: 200, nullable: false),
                seq = table.Column<long>(nullable: false),
                language = table.Column<string>(maxLength: 16, nullable: false),
                side = table.Column<int>(nullable: false),
                text = table.Column<byte[]>(nullable: true),
                provider = table.Column<string>(maxLength: 64, nullable: false),
                note = table.Column<string>(maxLength: 200, nullable: true),
                created_at = table.Column<long>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_message_translations", x => new { x.conversation_id, x.seq, x.language });
                table.ForeignKey("fk_message_translations_activity", x => new { x.conversation_id, x.seq }, "activities", ["conversation_id", "seq"], onDelete: ReferentialAction.Cascade);
            });

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "message_translations");
}
