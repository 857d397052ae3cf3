package io.toolace.stream.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ChildJvmTest {

    @TempDir
    Path dir;

    @Test
    void aLineStillBeingWrittenIsLeftOutUntilItsNewlineOrTheEnd() throws Exception {
        // Given a child's log caught between the key and the value of a line
        final Path log = dir.resolve("broker.log");
        Files.writeString(log, "broker ready\n  --bootstrap-servers ");

        // Then a running child's lines end before it, a finished child's include it
        assertThat(ChildJvm.lines(log, false)).containsExactly("broker ready");
        assertThat(ChildJvm.lines(log, true)).containsExactly("broker ready", "  --bootstrap-servers ");

        // And once the line is done it is read whole
        Files.writeString(log, "broker ready\n  --bootstrap-servers 127.0.0.1:9092\n");
        assertThat(ChildJvm.lines(log, false)).containsExactly("broker ready", "  --bootstrap-servers 127.0.0.1:9092");
    }
}
