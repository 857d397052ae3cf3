package io.toolace.stream.evolution;

import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.format.ContentHash;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Plain-text and Markdown seed files: kind, id, title; and what is not a seed file. */
class SeedFilesTest {

    @TempDir
    Path dir;

    @Test
    void aMarkdownManualIsTitledByItsFirstHeadingAndKeyedByItsTextHash() {
        final SeedDocument seed = seed(SeedFiles.read(OpenApiImportTest.resource("weather-manual.md")));

        assertThat(seed.getKind()).isEqualTo(SeedKind.MARKDOWN);
        assertThat(seed.getTitle()).isEqualTo("Acme Weather API");
        assertThat(seed.getId()).isEqualTo(ContentHash.of(seed.getText()));
        assertThat(seed.getText()).startsWith("# Acme Weather API\n");
        assertThat(seed.getSource()).endsWith("weather-manual.md");
    }

    @Test
    void plainTextIsTitledByATitleLineElseByTheFileName() {
        final SeedDocument guide = seed(SeedFiles.read(OpenApiImportTest.resource("shipping-guide.txt")));
        assertThat(guide.getKind()).isEqualTo(SeedKind.TEXT);
        assertThat(guide.getTitle()).isEqualTo("Parcel Shipping Guide");

        final SeedDocument prose = seed(SeedFiles.read("Our API lets you book a table and cancel a booking.\n",
                "docs/table-booking_notes.txt"));
        assertThat(prose.getTitle()).isEqualTo("table booking notes");
    }

    @Test
    void headingsAreFoundInTheirMarkdownForms() {
        assertThat(title("Intro text.\n\nBilling Guide\n=============\n\n- create an invoice\n", "a.md")).isEqualTo("Billing Guide");
        assertThat(title("```\n# not a heading\n```\n\n## The **Real** [Heading](x.md) ##\n", "b.md")).isEqualTo("The Real Heading");
        assertThat(title("- item one\n- item two\n", "plain-list.md")).isEqualTo("plain list");
        assertThat(title("A first line that is a sentence.\n\nMore.\n", "notes.txt")).isEqualTo("notes");
    }

    @Test
    void lineEndsAndAByteOrderMarkDoNotChangeTheId() {
        final String id = seed(SeedFiles.read("# Guide\n\n- send a message\n", "a.md")).getId();

        assertThat(seed(SeedFiles.read("\uFEFF# Guide\r\n\r\n- send a message\r\n", "b.md")).getId()).isEqualTo(id);
        assertThat(seed(SeedFiles.read("# Guide\n\n- send a message\n", "elsewhere/c.markdown")).getId()).isEqualTo(id);
    }

    @Test
    void emptyForeignAndUndecodableFilesFailWithTheReason() throws Exception {
        assertThat(failure(SeedFiles.read(" \n\n", "empty.md"))).isEqualTo("the document is empty");
        assertThat(failure(SeedFiles.read("x", "slides.pdf"))).startsWith("unsupported file type; seed files end in .txt, .md");
        final Path latin1 = dir.resolve("latin1.txt");
        Files.write(latin1, new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        assertThat(failure(SeedFiles.read(latin1))).isEqualTo("not UTF-8 text");
        assertThat(failure(SeedFiles.read(dir.resolve("missing.md")))).isEqualTo("no such file");
    }

    @Test
    void specFilesAreReadAsOpenApi() {
        assertThat(SeedFiles.typeOf("api.YAML")).contains(SeedFiles.Type.SPEC);
        assertThat(SeedFiles.typeOf("api.yml")).contains(SeedFiles.Type.SPEC);
        assertThat(seed(SeedFiles.read(OpenApiImportTest.resource("billing-swagger2.json"))).getKind()).isEqualTo(SeedKind.OPENAPI);
    }

    private static String title(final String text, final String fileName) {
        return seed(SeedFiles.read(text, fileName)).getTitle();
    }

    private static SeedDocument seed(final ImportResult result) {
        assertThat(result).isInstanceOf(ImportResult.Imported.class);
        final ImportResult.Imported imported = (ImportResult.Imported) result;
        return imported.seed();
    }

    private static String failure(final ImportResult result) {
        assertThat(result).isInstanceOf(ImportResult.Failed.class);
        return ((ImportResult.Failed) result).reason();
    }
}
