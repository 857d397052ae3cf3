package io.toolace.stream.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The runtime image as docker/Dockerfile declares it (no Docker engine builds it here): JRE only, a
 * non-root user the chart also runs as, the jar Maven builds, and the port and probe of {@link OpsServer}.
 */
class DockerfileTest {

    private static final Path DOCKERFILE = Path.of("docker/Dockerfile");

    @Test
    void theImageRunsTheShadedJarOnAJreAsTheChartsNonRootUser() throws IOException {
        final List<String> image = instructions();

        final List<String> from = arguments(image, "FROM");
        assertThat(from).hasSize(1);
        assertThat(from.get(0)).matches("eclipse-temurin:17-jre(-\\S+)?");

        final List<String> user = arguments(image, "USER");
        assertThat(user).hasSize(1);
        assertThat(user.get(0)).matches("[1-9][0-9]*");
        final JsonNode values = new ObjectMapper(new YAMLFactory()).readTree(
                Path.of("helm/toolace-stream/values.yaml").toFile());
        assertThat(values.at("/podSecurityContext/runAsUser").asText()).isEqualTo(user.get(0));

        // the jar of the pom's finalName, copied where the entry point and the health check run it
        assertThat(Files.readString(Path.of("pom.xml"))).contains("<finalName>toolace-stream</finalName>");
        assertThat(arguments(image, "COPY")).containsExactly("target/toolace-stream.jar /app/toolace-stream.jar");
        assertThat(arguments(image, "ENTRYPOINT").get(0)).contains("\"-jar\", \"/app/toolace-stream.jar\"");
    }

    @Test
    void itExposesTheDefaultHttpPortAndChecksLivenessThere() throws IOException {
        final List<String> image = instructions();
        final String port = Integer.toString(OpsServer.DEFAULT_PORT);

        assertThat(arguments(image, "EXPOSE")).containsExactly(port);
        assertThat(String.join("\n", arguments(image, "ENV"))).containsPattern("TOOLACE_HTTP_PORT=" + port + "\\b");
        final List<String> healthcheck = arguments(image, "HEALTHCHECK");
        assertThat(healthcheck).hasSize(1);
        final Matcher command = Pattern.compile("CMD java .*-cp (\\S+) (\\S+) \"http://127\\.0\\.0\\.1:"
                + "\\$\\{TOOLACE_HTTP_PORT}(/\\S+)\"").matcher(healthcheck.get(0));
        assertThat(command.find()).as(healthcheck.get(0)).isTrue();
        assertThat(command.group(1)).isEqualTo("/app/toolace-stream.jar");
        assertThat(command.group(2)).isEqualTo(Probe.class.getName());
        assertThat(command.group(3)).isEqualTo("/health/live");
    }

    /** The Dockerfile's instructions, continuation lines joined and comments dropped. */
    private static List<String> instructions() throws IOException {
        final List<String> instructions = new ArrayList<>();
        final StringBuilder current = new StringBuilder();
        for (final String line : Files.readAllLines(DOCKERFILE)) {
            final String trimmed = line.strip();
            if (trimmed.startsWith("#") || trimmed.isEmpty() && current.length() == 0) {
                continue;
            }
            if (trimmed.endsWith("\\")) {
                current.append(trimmed, 0, trimmed.length() - 1).append(' ');
            } else {
                instructions.add(current.append(trimmed).toString());
                current.setLength(0);
            }
        }
        return instructions;
    }

    private static List<String> arguments(final List<String> instructions, final String keyword) {
        return instructions.stream().filter(i -> i.startsWith(keyword + " "))
                .map(i -> i.substring(keyword.length() + 1).strip()).toList();
    }
}
