package io.toolace.stream.llm.openai;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.llm.openai.JsonAnswers.Answer;
import io.toolace.stream.llm.openai.JsonAnswers.Repair;
import org.junit.jupiter.api.Test;

class JsonAnswersTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void cleanObjectNeedsNoRepair() throws Exception {
        final Answer answer = JsonAnswers.object("{\"name\": \"get_weather\", \"n\": [1, 2]}", "stop");

        assertThat(answer.object().path("name").asText()).isEqualTo("get_weather");
        assertThat(answer.repairs()).isEmpty();
    }

    @Test
    void surroundingWhitespaceIsNoRepair() throws Exception {
        assertThat(JsonAnswers.object("\n\n  {\"a\": 1}\n ", "stop").repairs()).isEmpty();
    }

    @Test
    void byteOrderMarkIsStripped() throws Exception {
        final Answer answer = JsonAnswers.object("\uFEFF{\"a\": 1}", "stop");

        assertThat(answer.object().path("a").asInt()).isEqualTo(1);
        assertThat(answer.repairs()).containsExactly(Repair.BOM);
    }

    @Test
    void codeFenceIsStripped() throws Exception {
        final Answer json = JsonAnswers.object("```json\n{\"a\": 1}\n```", "stop");
        final Answer bare = JsonAnswers.object("```\n{\"a\": 1}\n```\n", "stop");
        final Answer tilde = JsonAnswers.object("~~~JSON\n{\"a\": 1}\n~~~", "stop");
        final Answer oneLine = JsonAnswers.object("```json {\"a\": 1}```", "stop");

        assertThat(json.repairs()).containsExactly(Repair.CODE_FENCE);
        assertThat(bare.repairs()).containsExactly(Repair.CODE_FENCE);
        assertThat(tilde.repairs()).containsExactly(Repair.CODE_FENCE);
        assertThat(oneLine.repairs()).containsExactly(Repair.CODE_FENCE);
        assertThat(oneLine.object().path("a").asInt()).isEqualTo(1);
    }

    @Test
    void nestedFencesAreStripped() throws Exception {
        final Answer answer = JsonAnswers.object("````markdown\n```json\n{\"a\": {\"b\": [1]}}\n```\n````", "stop");

        assertThat(answer.object().path("a").path("b").path(0).asInt()).isEqualTo(1);
        assertThat(answer.repairs()).containsExactly(Repair.CODE_FENCE);
    }

    @Test
    void fenceMarksInsideStringsStayInTheValue() throws Exception {
        final String text = "```json\n{\"description\": \"Call it like ```get_weather(city)``` or ~~~\\n```\"}\n```";

        final Answer answer = JsonAnswers.object(text, "stop");

        assertThat(answer.object().path("description").asText()).isEqualTo("Call it like ```get_weather(city)``` or ~~~\n```");
    }

    @Test
    void proseBeforeAndAfterIsDropped() throws Exception {
        final Answer answer = JsonAnswers.object(
                "Sure, here is the API:\n{\"name\": \"get_weather\"}\nI hope this helps! {Ask me more}", "stop");

        assertThat(answer.object().path("name").asText()).isEqualTo("get_weather");
        assertThat(answer.repairs()).containsExactly(Repair.LEADING_TEXT, Repair.TRAILING_TEXT);
    }

    @Test
    void fencedObjectWinsOverABraceInTheProseBeforeIt() throws Exception {
        final Answer answer = JsonAnswers.object("I filled in {name} for you:\n```json\n{\"name\": \"x\"}\n```\nDone.", "stop");

        assertThat(answer.object().path("name").asText()).isEqualTo("x");
        assertThat(answer.repairs()).containsExactly(Repair.CODE_FENCE, Repair.LEADING_TEXT, Repair.TRAILING_TEXT);
    }

    @Test
    void bracesInsideStringsDoNotEndTheObject() throws Exception {
        final Answer answer = JsonAnswers.object("{\"pattern\": \"^[a-z]{3}$\", \"note\": \"} { ] [\"} trailing }", "stop");

        assertThat(answer.object().path("pattern").asText()).isEqualTo("^[a-z]{3}$");
        assertThat(answer.object().path("note").asText()).isEqualTo("} { ] [");
        assertThat(answer.repairs()).containsExactly(Repair.TRAILING_TEXT);
    }

    @Test
    void escapedQuotesAndBackslashesAreRespected() throws Exception {
        final Answer answer = JsonAnswers.object(
                "{\"a\": \"he said \\\"}\\\" twice\", \"path\": \"C:\\\\\", \"b\": {\"c\": \"\\\\\\\"}\"}} and more", "stop");

        assertThat(answer.object().path("a").asText()).isEqualTo("he said \"}\" twice");
        assertThat(answer.object().path("path").asText()).isEqualTo("C:\\");
        assertThat(answer.object().path("b").path("c").asText()).isEqualTo("\\\"}");
    }

    @Test
    void secondObjectAfterTheFirstIsDroppedAsTrailingText() throws Exception {
        final Answer answer = JsonAnswers.object("{\"a\": 1}\n{\"a\": 2}", "stop");

        assertThat(answer.object().path("a").asInt()).isEqualTo(1);
        assertThat(answer.repairs()).containsExactly(Repair.TRAILING_TEXT);
    }

    @Test
    void truncatedObjectIsRejectedWithPositionAndFinishReason() {
        final String text = "```json\n{\"name\": \"get_weather\", \"parameters\": {\"type\": \"object\", \"prop";

        assertThatThrownBy(() -> JsonAnswers.object(text, "length"))
                .isInstanceOf(AnswerRejected.class)
                .hasMessage("answer is not JSON: truncated at char " + text.length() + " (finish_reason=length)");
    }

    @Test
    void truncatedInsideAStringIsRejected() {
        assertThatThrownBy(() -> JsonAnswers.object("{\"a\": \"unfinished }", "length"))
                .hasMessage("answer is not JSON: truncated at char 19 (finish_reason=length)");
    }

    @Test
    void arrayIsRejected() {
        assertThatThrownBy(() -> JsonAnswers.object("[{\"a\": 1}]", "stop"))
                .hasMessage("answer is a JSON array, expected an object");
        assertThatThrownBy(() -> JsonAnswers.object("Here you go:\n```json\n[{\"a\": 1}, {\"a\": 2}]\n```", "stop"))
                .hasMessage("answer is a JSON array, expected an object");
        assertThatThrownBy(() -> JsonAnswers.object("Here you go: [ {\"a\": 1} ]", "stop"))
                .hasMessage("answer is a JSON array, expected an object");
    }

    @Test
    void emptyOrBraceLessAnswerIsRejected() {
        assertThatThrownBy(() -> JsonAnswers.object("  \n", "stop")).hasMessage("answer is empty (finish_reason=stop)");
        assertThatThrownBy(() -> JsonAnswers.object(null, "")).hasMessage("answer is empty (finish_reason=unknown)");
        assertThatThrownBy(() -> JsonAnswers.object("not json", "stop"))
                .hasMessage("answer is not JSON: no '{' in 8 chars (finish_reason=stop)");
    }

    @Test
    void lenientJsonIsNotGuessedAt() {
        assertThatThrownBy(() -> JsonAnswers.object("{'name': 'x'}", "stop"))
                .hasMessageStartingWith("answer is not JSON: Unexpected character (''' (code 39))")
                .hasMessageEndingWith("at char 1");
        assertThatThrownBy(() -> JsonAnswers.object("Answer: {\"a\": 1,}", "stop"))
                .hasMessageStartingWith("answer is not JSON: Unexpected character ('}' (code 125))")
                .hasMessageEndingWith("at char 16");
    }

    @Test
    void fieldsAreReadWithPreciseReasons() throws Exception {
        final ObjectNode node = (ObjectNode) JSON.readTree(
                "{\"name\": \" get_weather \", \"count\": 3, \"tags\": \"a\", \"note\": null, \"params\": []}");

        assertThat(JsonAnswers.text(node, "", "name", true)).isEqualTo("get_weather");
        assertThat(JsonAnswers.text(node, "", "note", false)).isEmpty();
        assertThat(JsonAnswers.text(node, "", "absent", false)).isEmpty();
        assertThat(JsonAnswers.object(node, "", "absent", false)).isNull();
        assertThat(JsonAnswers.array(node, "", "absent", false)).isEmpty();
        assertThatThrownBy(() -> JsonAnswers.text(node, "", "note", true)).hasMessage("missing field 'note'");
        assertThatThrownBy(() -> JsonAnswers.text(node, "apis[0]", "count", true))
                .hasMessage("field 'apis[0].count' is not a string (got number)");
        assertThatThrownBy(() -> JsonAnswers.array(node, "", "tags", true))
                .hasMessage("field 'tags' is not an array (got string)");
        assertThatThrownBy(() -> JsonAnswers.object(node, "", "params", true))
                .hasMessage("field 'params' is not a JSON object (got array)");
        assertThatThrownBy(() -> JsonAnswers.element(JsonAnswers.array(
                (ObjectNode) JSON.readTree("{\"xs\": [{}, \"b\"]}"), "", "xs", true), "xs", 1))
                .hasMessage("'xs[1]' is not a JSON object (got string)");
    }

    @Test
    void repairLabelsAreLowerCase() {
        assertThat(Repair.CODE_FENCE.label()).isEqualTo("code_fence");
    }
}
