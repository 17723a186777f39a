using Microsoft.EntityFrameworkCore.Infrastructure;
using Microsoft.EntityFrameworkCore.Migrations;

namespace Avrr.Bot.Persistence.Migrations;

// Written by hand (docs/adr/0003-hand-written-migrations.md): staff accounts (ASP.NET Core Identity, schema
// version 1), published knowledge versions, drafts and the audit trail. SchemaMatchesModelTests checks it.
[DbContext(typeof(AvrrDbContext))]
[Migration("20261124020000_StaffAndKnowledge")]
public sealed class StaffAndKnowledge : Migration
{
    private const string SqliteAutoincrement = "Sqlite:Autoincrement";
    private const string NpgsqlStrategy = "Npgsql:ValueGenerationStrategy";

    protected override void Up(MigrationBuilder migrationBuilder)
    {
        migrationBuilder.CreateTable(
            name: "AspNetRoles",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                Name = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedName = table.Column<string>(maxLength: 256, nullable: true),
                ConcurrencyStamp = table.Column<string>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_AspNetRoles", x => x.Id));

        migrationBuilder.CreateTable(
            name: "AspNetUsers",
            columns: table => new
            {
                Id = table.Column<string>(nullable: false),
                UserName = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedUserName = table.Column<string>(maxLength: 256, nullable: true),
                Email = table.Column<string>(maxLength: 256, nullable: true),
                NormalizedEmail = table.Column<string>(maxLength: 256, nullable: true),
                EmailConfirmed = table.Column<bool>(nullable: false),
                PasswordHash = table.Column<string>(nullable: true),
                SecurityStamp = table.Column<string>(nullable: true),
                ConcurrencyStamp = table.Column<string>(nullable: true),
                PhoneNumber = table.Column<string>(nullable: true),
                PhoneNumberConfirmed = table.Column<bool>(nullable: false),
                TwoFactorEnabled = table.Column<bool>(nullable: false),
                LockoutEnd = table.Column<DateTimeOffset>(nullable: true),
                LockoutEnabled = table.Column<bool>(nullable: false),
                AccessFailedCount = table.Column<int>(nullable: false),
            },
            constraints: table => table.PrimaryKey("PK_AspNetUsers", x => x.Id));

        migrationBuilder.CreateTable(
            name: "AspNetRoleClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false)
                    .Annotation(SqliteAutoincrement, true)
                    .Annotation(NpgsqlStrategy, Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                RoleId = table.Column<string>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetRoleClaims", x => x.Id);
                table.ForeignKey("FK_AspNetRoleClaims_AspNetRoles_RoleId", x => x.RoleId, "AspNetRoles", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserClaims",
            columns: table => new
            {
                Id = table.Column<int>(nullable: false)
                    .Annotation(SqliteAutoincrement, true)
                    .Annotation(NpgsqlStrategy, Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                UserId = table.Column<string>(nullable: false),
                ClaimType = table.Column<string>(nullable: true),
                ClaimValue = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserClaims", x => x.Id);
                table.ForeignKey("FK_AspNetUserClaims_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserLogins",
            columns: table => new
            {
                LoginProvider = table.Column<string>(nullable: false),
                ProviderKey = table.Column<string>(nullable: false),
                ProviderDisplayName = table.Column<string>(nullable: true),
                UserId = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserLogins", x => new { x.LoginProvider, x.ProviderKey });
                table.ForeignKey("FK_AspNetUserLogins_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserRoles",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                RoleId = table.Column<string>(nullable: false),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserRoles", x => new { x.UserId, x.RoleId });
                table.ForeignKey("FK_AspNetUserRoles_AspNetRoles_RoleId", x => x.RoleId, "AspNetRoles", "Id", onDelete: ReferentialAction.Cascade);
                table.ForeignKey("FK_AspNetUserRoles_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateTable(
            name: "AspNetUserTokens",
            columns: table => new
            {
                UserId = table.Column<string>(nullable: false),
                LoginProvider = table.Column<string>(nullable: false),
                Name = table.Column<string>(nullable: false),
                Value = table.Column<string>(nullable: true),
            },
            constraints: table =>
            {
                table.PrimaryKey("PK_AspNetUserTokens", x => new { x.UserId, x.LoginProvider, x.Name });
                table.ForeignKey("FK_AspNetUserTokens_AspNetUsers_UserId", x => x.UserId, "AspNetUsers", "Id", onDelete: ReferentialAction.Cascade);
            });

        migrationBuilder.CreateIndex(name: "IX_AspNetRoleClaims_RoleId", table: "AspNetRoleClaims", column: "RoleId");
        migrationBuilder.CreateIndex(name: "RoleNameIndex", table: "AspNetRoles", column: "NormalizedName", unique: true);
        migrationBuilder.CreateIndex(name: "IX_AspNetUserClaims_UserId", table: "AspNetUserClaims", column: "UserId");
        migrationBuilder.CreateIndex(name: "IX_AspNetUserLogins_UserId", table: "AspNetUserLogins", column: "UserId");
        migrationBuilder.CreateIndex(name: "IX_AspNetUserRoles_RoleId", table: "AspNetUserRoles", column: "RoleId");
        migrationBuilder.CreateIndex(name: "EmailIndex", table: "AspNetUsers", column: "NormalizedEmail");
        migrationBuilder.CreateIndex(name: "UserNameIndex", table: "AspNetUsers", column: "NormalizedUserName", unique: true);

        migrationBuilder.CreateTable(
            name: "knowledge_versions",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation(SqliteAutoincrement, true)
                    .Annotation(NpgsqlStrategy, Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                label = table.Column<string>(maxLength: 100, nullable: false),
                files = table.Column<string>(nullable: false),
                content_hash = table.Column<string>(maxLength: 64, nullable: false),
                note = table.Column<string>(maxLength: 1000, nullable: true),
                created_by = table.Column<string>(maxLength: 256, nullable: false),
                created_at = table.Column<long>(nullable: false),
                draft_id = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_knowledge_versions", x => x.id));

        migrationBuilder.CreateIndex(name: "ux_knowledge_versions_label", table: "knowledge_versions", column: "label", unique: true);

        migrationBuilder.CreateTable(
            name: "knowledge_drafts",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation(SqliteAutoincrement, true)
                    .Annotation(NpgsqlStrategy, Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                title = table.Column<string>(maxLength: 200, nullable: false),
                base_version_id = table.Column<long>(nullable: false),
                changes = table.Column<string>(nullable: false),
                status = table.Column<int>(nullable: false),
                created_by = table.Column<string>(maxLength: 256, nullable: false),
                created_at = table.Column<long>(nullable: false),
                updated_at = table.Column<long>(nullable: false),
                submitted_by = table.Column<string>(maxLength: 256, nullable: true),
                published_version_id = table.Column<long>(nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_knowledge_drafts", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_knowledge_drafts_status", table: "knowledge_drafts", column: "status");

        migrationBuilder.CreateTable(
            name: "audit_log",
            columns: table => new
            {
                id = table.Column<long>(nullable: false)
                    .Annotation(SqliteAutoincrement, true)
                    .Annotation(NpgsqlStrategy, Npgsql.EntityFrameworkCore.PostgreSQL.Metadata.NpgsqlValueGenerationStrategy.IdentityByDefaultColumn),
                at = table.Column<long>(nullable: false),
                actor = table.Column<string>(maxLength: 256, nullable: false),
                action = table.Column<string>(maxLength: 64, nullable: false),
                target = table.Column<string>(maxLength: 300, nullable: false),
                detail = table.Column<string>(maxLength: 4000, nullable: true),
            },
            constraints: table => table.PrimaryKey("PK_audit_log", x => x.id));

        migrationBuilder.CreateIndex(name: "ix_audit_log_at", table: "audit_log", column: "at");
    }

    protected override void Down(MigrationBuilder migrationBuilder)
    {
        foreach (var table in new[] { "audit_log", "knowledge_drafts", "knowledge_versions", "AspNetUserTokens", "AspNetUserRoles", "AspNetUserLogins", "AspNetUserClaims", "AspNetRoleClaims", "AspNetUsers", "AspNetRoles" })
        {
            migrationBuilder.DropTable(name: table);
        }
    }
}
