package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class OpenAiEndpointTest {

    @Test
    void defaultsAreTheDocumentedOnes() {
        final OpenAiEndpoint endpoint = OpenAiEndpoint.of("http://127.0.0.1:8000/v1", "llama3.1");

        assertThat(endpoint.requestTimeout()).isEqualTo(Duration.ofSeconds(60));
        assertThat(endpoint.temperature()).isEqualTo(0.7);
        assertThat(endpoint.maxTokens()).isEqualTo(2048);
        assertThat(endpoint.jsonMode()).isTrue();
        assertThat(endpoint.hasApiKey()).isFalse();
    }

    @Test
    void chatCompletionsUrlIgnoresATrailingSlash() {
        assertThat(OpenAiEndpoint.of("http://127.0.0.1:8000/v1/", "m").chatCompletionsUrl())
                .isEqualTo(URI.create("http://127.0.0.1:8000/v1/chat/completions"));
        assertThat(OpenAiEndpoint.of("https://api.openai.com/v1", "m").chatCompletionsUrl())
                .isEqualTo(URI.create("https://api.openai.com/v1/chat/completions"));
    }

    @Test
    void toStringRedactsTheKey() {
        final OpenAiEndpoint endpoint = OpenAiEndpoint.of("http://127.0.0.1:8000/v1", "m").withApiKey(Fixtures.API_KEY);

        assertThat(endpoint.toString()).doesNotContain(Fixtures.API_KEY).contains("apiKey=<redacted>");
        assertThat(OpenAiEndpoint.of("http://127.0.0.1:8000/v1", "m").toString()).contains("apiKey=<none>");
    }

    @Test
    void keyIsReadFromAFileWithoutItsNewline(@TempDir final Path dir) throws Exception {
        final Path file = Files.writeString(dir.resolve("key"), Fixtures.API_KEY + "\n");

        assertThat(OpenAiEndpoint.apiKeyFromFile(file)).isEqualTo(Fixtures.API_KEY);
        assertThatThrownBy(() -> OpenAiEndpoint.apiKeyFromFile(dir.resolve("absent")))
                .isInstanceOf(UncheckedIOException.class)
                .hasMessageContaining("absent");
    }

    @Test
    void unsetEnvironmentVariableMeansNoKey() {
        assertThat(OpenAiEndpoint.apiKeyFromEnv("TOOLACE_TEST_SURELY_UNSET_VARIABLE")).isEmpty();
    }

    @Test
    void invalidSettingsAreRefusedWithTheReason() {
        assertThatThrownBy(() -> OpenAiEndpoint.of("127.0.0.1:8000/v1", "m"))
                .hasMessageStartingWith("base URL must be an absolute http(s) URL");
        assertThatThrownBy(() -> OpenAiEndpoint.of("http://127.0.0.1:8000/v1", " "))
                .hasMessageStartingWith("model must be set");
        final OpenAiEndpoint endpoint = OpenAiEndpoint.of("http://127.0.0.1:8000/v1", "m");
        assertThatThrownBy(() -> endpoint.withTemperature(3)).hasMessage("temperature must be in [0, 2], got 3.0");
        assertThatThrownBy(() -> endpoint.withMaxTokens(0)).hasMessage("max tokens must be positive, got 0");
        assertThatThrownBy(() -> endpoint.withRequestTimeout(Duration.ZERO))
                .hasMessage("request timeout must be positive, got PT0S");
    }
}
