package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.toolace.stream.evolution.DiversityIndicators;
import io.toolace.stream.llm.LlmRequests;
import io.toolace.stream.records.SeedDocument;
import io.toolace.stream.records.SeedKind;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PromptTemplateTest {

    @Test
    void everyTemplateOfTheCurrentVersionLoadsWithSystemAndUserParts() {
        for (final String name : List.of("extract_domains", "generate_api", "user_turn", "assistant_turn",
                "tool_response", "judge_hallucination", "judge_consistency", "judge_tool_response", "judge_repetitive")) {
            final PromptTemplate template = PromptTemplate.load(LlmRequests.PROMPT_VERSION, name);

            assertThat(template.has(PromptTemplate.SYSTEM)).isTrue();
            assertThat(template.has(PromptTemplate.USER)).isTrue();
        }
    }

    @Test
    void generationTemplateExplainsEveryDiversityIndicator() {
        final PromptTemplate template = PromptTemplate.load(LlmRequests.PROMPT_VERSION, "generate_api");

        assertThat(DiversityIndicators.ALL).allSatisfy(id -> assertThat(template.has("indicator:" + id)).isTrue());
    }

    @Test
    void editorsNoteBeforeTheFirstSectionIsNeverSent() {
        final List<ChatMessage> messages = new SpeciationPrompt(LlmRequests.PROMPT_VERSION).messages(doc("A manual."));

        assertThat(messages).extracting(ChatMessage::role).containsExactly("system", "user");
        assertThat(messages).allSatisfy(m -> assertThat(m.content()).doesNotContain("<!--").doesNotContain("Placeholders"));
        assertThat(messages.get(0).content()).startsWith("You are");
    }

    @Test
    void placeholdersInValuesAreSentAsWritten() {
        final String text = "Templates use {{title}} and {{ document }} markers; $1 and \\ stay too.";

        final String user = new SpeciationPrompt(LlmRequests.PROMPT_VERSION).messages(doc(text)).get(1).content();

        assertThat(user).contains(text).contains("Document title: Guide to {{kind}}");
    }

    @Test
    void missingValueIsABugNamedPrecisely() {
        final PromptTemplate template = PromptTemplate.load(LlmRequests.PROMPT_VERSION, "extract_domains");

        assertThatThrownBy(() -> template.messages(Map.of("title", "t")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("prompt template prompts/v1/extract_domains.md section 'user' needs values for [document, kind]");
    }

    @Test
    void missingTemplateOrSectionFailsLoudly() {
        assertThatThrownBy(() -> PromptTemplate.load("v0", "extract_domains"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("missing prompt template prompts/v0/extract_domains.md");
        final PromptTemplate template = PromptTemplate.load(LlmRequests.PROMPT_VERSION, "extract_domains");
        assertThatThrownBy(() -> template.render("example", Map.of()))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("prompt template prompts/v1/extract_domains.md has no 'example' section");
    }

    @Test
    void longDocumentIsCutForTheContextWindow() {
        final String text = "Refund a payment. ".repeat(5_000);

        final String user = new SpeciationPrompt(LlmRequests.PROMPT_VERSION).messages(doc(text)).get(1).content();

        assertThat(user).contains("[... document truncated]").hasSizeLessThan(SpeciationPrompt.MAX_DOCUMENT_CHARS + 4_000);
    }

    private static SeedDocument doc(final String text) {
        return SeedDocument.newBuilder().setId("d").setTitle("Guide to {{kind}}").setKind(SeedKind.TEXT).setText(text)
                .build();
    }
}
