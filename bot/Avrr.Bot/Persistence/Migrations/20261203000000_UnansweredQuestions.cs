using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;
using Npgsql.EntityFrameworkCore.PostgreSQL.Metadata;

namespace Avrr.Bot.Persistence.Migrations;

/// <summary>Unanswered questions, counted by day, language and nearest topic; with consent pointing at the message.</summary>
// Written by hand (docs/adr/0003-migrations.md); SchemaMatchesModelTests checks it on both providers.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261203000000_UnansweredQuestions")]
public sealed class UnansweredQuestions : Migration
{
    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "unanswered_questions",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation("Sqlite:Autoincrement", true)
                    .Annotation("Npgsql:ValueGenerationStrategy", NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                day = table.Column<long>(nullable: false),
                language = table.Column<string>(maxLength: 16, nullable: false),
                topic = table.Column<string>(maxLength: 64, nullable: true),
                conversation_id = table.Column<string>(maxLength: 200, nullable: true),
                seq = table.Column<long>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_unanswered_questions", x => x.id);
                // The database clears the pointer when the message goes: the words follow the person's data, the count stays.
                table.ForeignKey("fk_unanswered_questions_activity", x => new { x.conversation_id, x.seq }, "activities", ["conversation_id", "seq"], onDelete: ReferentialAction.SetNull);
            });
        migrationBuilder.CreateIndex(name: "ix_unanswered_questions_day", table: "unanswered_questions", column: "day");
        migrationBuilder.CreateIndex(name: "ix_unanswered_questions_message", table: "unanswered_questions", columns: ["conversation_id", "seq"]);
    }

    protected override void Down(MigrationBuilder migrationBuilder) => migrationBuilder.DropTable(name: "unanswered_questions");
}
