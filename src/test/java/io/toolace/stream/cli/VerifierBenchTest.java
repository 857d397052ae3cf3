package io.toolace.stream.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.BfclCorpus;
import io.toolace.stream.format.Corpora;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code bench verifier} with rounds of a few CPU-milliseconds: what it reports, not how fast the machine is. */
class VerifierBenchTest {

    private static final Path DATA = Corpora.TOOLACE.getParent();

    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    private final List<ObjectNode> records = new ArrayList<>();

    @Test
    void reportsEachSampleSetInOneLineAndOneRecord() throws IOException {
        final int exit = VerifierBench.run(new PrintWriter(out, true), new PrintWriter(err, true), DATA, 3, 0, 0.02, records::add);

        assertThat(exit).isZero();
        assertThat(out.toString().lines()).singleElement().asString().startsWith("verifier: ").contains("toolace ").contains("bfcl ");
        final JsonNode record = records.get(0);
        assertThat(record.get("scenario").asText()).isEqualTo("verifier");
        assertThat(record.get("rounds").asInt()).isEqualTo(3);
        assertThat(record.get("toolace").get("samples").asInt()).isEqualTo(VerifierBench.toolAce(DATA).size());
        assertThat(record.get("bfcl").get("samples").asInt()).isEqualTo(BfclCorpus.ANSWERED.stream()
                .mapToInt(category -> BfclCorpus.answered(category).size()).sum());
        for (final String set : List.of("toolace", "bfcl")) {
            final JsonNode figures = record.get(set);
            assertThat(figures.get("passed").asInt()).isBetween(1, figures.get("samples").asInt());
            assertThat(figures.get("minPerCpuSecond").asLong()).isPositive()
                    .isLessThanOrEqualTo(figures.get("medianPerCpuSecond").asLong());
            assertThat(figures.get("medianPerCpuSecond").asLong()).isLessThanOrEqualTo(figures.get("maxPerCpuSecond").asLong());
        }
    }

    @Test
    void aFolderWithoutTheDataIsAnErrorThatNamesIt(@TempDir final Path empty) throws IOException {
        final int exit = VerifierBench.run(new PrintWriter(out, true), new PrintWriter(err, true), empty, 3, 0, 0.02, records::add);

        assertThat(exit).isEqualTo(2);
        assertThat(err.toString()).contains(empty.resolve("toolace").toString()).contains("--data");
        assertThat(out.toString()).isEmpty();
        assertThat(records).isEmpty();
    }
}
