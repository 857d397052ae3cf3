package io.toolace.stream.format;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class SampleFormatTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private final SampleReader detecting = SampleReader.detecting();

    @Test
    void readsTheOriginalToolAceRecord() {
        final ReadResult.Read read = read(Corpora.lines(Corpora.TOOLACE_ORIGINAL).get(0));

        assertThat(read.format()).isEqualTo(SampleFormat.TOOLACE);
        final ToolSample sample = read.sample();
        assertThat(sample.tools()).extracting(ToolSpec::name)
                .containsExactly("GetCompetitions", "Get Manager Placeholder Image", "Search Competition API", "Get Category Image");
        assertThat(sample.tools().get(1).parameters().path("required").get(0).asText()).isEqualTo("sport");
        assertThat(sample.messages()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL,
                Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
        final Message call = sample.messages().get(7);
        assertThat(call.calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("Get Manager Placeholder Image");
            assertThat(c.arguments().get("sport").textValue()).isEqualTo("football");
        });
        assertThat(call.text()).isNull();
        assertThat(sample.messages().get(8).results()).singleElement()
                .satisfies(r -> assertThat(r.results().path("sport_name").asText()).isEqualTo("football"));
        assertThat(sample.messages()).allSatisfy(m -> assertThat(m.issue()).isNull());
    }

    @Test
    void readsTheShareGptConversionWithToolsOnlyInTheSystemPrompt() {
        final List<String> lines = Corpora.lines(Corpora.SHAREGPT_FUNC);
        int emptyCallLists = 0;
        for (final String line : lines) {
            final ReadResult.Read read = read(line);
            assertThat(read.format()).isEqualTo(SampleFormat.SHAREGPT);
            assertThat(read.sample().tools()).as("tools found in the system prompt").isNotEmpty();
            emptyCallLists += (int) read.sample().messages().stream()
                    .filter(m -> m.role() == Role.ASSISTANT && m.calls().isEmpty() && "".equals(m.text())).count();
        }
        final ToolSample first = read(lines.get(0)).sample();
        assertThat(first.messages().get(1).calls()).singleElement().satisfies(c -> {
            assertThat(c.name()).isEqualTo("API");
            assertThat(c.arguments().get("trend_type").asText()).isEqualTo("MARKET_INDEXES");
        });
        assertThat(first.messages().get(2).results()).extracting(ToolResult::name).containsExactly("Market Trends API");
        assertThat(emptyCallLists).as("the record with an empty call list, and the empty gpt turns").isPositive();
    }

    @Test
    void readsOpenAiToolCallsAndMatchesResultsByCallId() {
        final ToolSample sample = read("""
                {"id": "s1", "messages": [
                  {"role": "system", "content": "Be brief."},
                  {"role": "user", "content": "Weather in Paris and Rome?"},
                  {"role": "assistant", "content": null, "tool_calls": [
                    {"id": "a", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Paris\\"}"}},
                    {"id": "b", "type": "function", "function": {"name": "get_weather", "arguments": "{\\"city\\": \\"Rome\\"}"}}]},
                  {"role": "tool", "tool_call_id": "b", "content": "{\\"temp\\": 20}"},
                  {"role": "tool", "tool_call_id": "a", "content": "sunny"},
                  {"role": "assistant", "content": "Rome 20, Paris sunny."}],
                 "tools": [{"type": "function", "function": {"name": "get_weather", "description": "Weather.",
                   "parameters": {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}}}]}
                """).sample();

        assertThat(sample.id()).isEqualTo("s1");
        assertThat(sample.system()).isEqualTo("Be brief.");
        assertThat(sample.tools()).extracting(ToolSpec::name).containsExactly("get_weather");
        assertThat(sample.messages()).extracting(Message::role).containsExactly(Role.USER, Role.ASSISTANT, Role.TOOL, Role.ASSISTANT);
        assertThat(sample.messages().get(1).calls()).extracting(c -> c.arguments().get("city").asText()).containsExactly("Paris", "Rome");
        final List<ToolResult> results = sample.messages().get(2).results();
        assertThat(results).extracting(ToolResult::name).containsExactly("get_weather", "get_weather");
        assertThat(results.get(0).results().get("temp").intValue()).isEqualTo(20);
        assertThat(results.get(1).results().textValue()).isEqualTo("sunny");
    }

    @Test
    void recordsWhatItCouldNotReadInATurn() {
        final ToolSample openAi = read("""
                {"messages": [{"role": "user", "content": "x"},
                  {"role": "assistant", "tool_calls": [{"id": "a", "function": {"name": "f", "arguments": "{not json"}}]},
                  {"role": "tool", "tool_call_id": "zzz", "content": "1"}]}""").sample();
        assertThat(openAi.messages().get(1).issue().kind()).isEqualTo(TurnIssue.Kind.CALL_SYNTAX);
        assertThat(openAi.messages().get(1).calls()).as("kept, so results still pair with calls").hasSize(1);
        assertThat(openAi.messages().get(2).issue().kind()).isEqualTo(TurnIssue.Kind.UNMATCHED_CALL_ID);

        final ToolSample toolAce = read("""
                {"system": "s", "conversations": [{"from": "user", "value": "x"},
                  {"from": "assistant", "value": "[Get Weather(city=\\"Par"},
                  {"from": "tool", "value": "no json here"},
                  {"from": "user"},
                  {"from": "assistant", "value": "Sure. [f(a=1)]"}]}""").sample();
        final TurnIssue broken = toolAce.messages().get(1).issue();
        assertThat(broken.kind()).isEqualTo(TurnIssue.Kind.CALL_SYNTAX);
        assertThat(broken.detail()).contains("at character 18").contains("unterminated string");
        assertThat(toolAce.messages().get(2).issue().kind()).isEqualTo(TurnIssue.Kind.SHAPE);
        assertThat(toolAce.messages().get(3).issue().kind()).isEqualTo(TurnIssue.Kind.MISSING_FIELD);
        final Message beside = toolAce.messages().get(4);
        assertThat(beside.text()).isEqualTo("Sure.");
        assertThat(beside.calls()).extracting(FunctionCall::name).containsExactly("f");
    }

    @ParameterizedTest
    @ValueSource(strings = {"not json", "[1, 2]", "{\"conversations\": 3}", "{\"foo\": []}", "{\"messages\": [{\"content\": \"x\"}]}",
        "{\"conversations\": [{\"from\": \"bot\", \"value\": \"x\"}]}", "{\"conversations\": [\"x\"]}",
        "{\"conversations\": [], \"tools\": \"[oops\"}", "{\"system\": 5, \"conversations\": []}", ""})
    void aLineThatIsNoSampleIsUnreadableWithAReason(final String line) {
        final ReadResult result = detecting.read(line);

        assertThat(result).isInstanceOf(ReadResult.Unreadable.class);
        assertThat(((ReadResult.Unreadable) result).reason()).isNotBlank();
    }

    @Test
    void keepsTheIdOfAnUnreadableRecord() {
        assertThat(detecting.read("{\"id\": 42, \"conversations\": 3}").id()).isEqualTo("42");
    }

    @Test
    void detectsEachFormat() {
        assertThat(SampleFormat.detect(json("{\"messages\": []}"))).contains(SampleFormat.OPENAI);
        assertThat(SampleFormat.detect(json("{\"conversations\": [{\"from\": \"human\", \"value\": \"x\"}]}"))).contains(SampleFormat.SHAREGPT);
        assertThat(SampleFormat.detect(json("{\"conversations\": [], \"tools\": \"[]\"}"))).contains(SampleFormat.SHAREGPT);
        assertThat(SampleFormat.detect(json("{\"conversations\": [{\"from\": \"system\", \"value\": \"s\"}, {\"from\": \"user\", \"value\": \"x\"}]}")))
                .contains(SampleFormat.TOOLACE);
        assertThat(SampleFormat.detect(json("{\"text\": \"x\"}"))).isEmpty();
    }

    @Test
    void aForcedFormatReadsEveryLineAsThatFormat() {
        final ReadResult result = new SampleReader(SampleFormat.OPENAI).read("{\"conversations\": []}");

        assertThat(result).isInstanceOf(ReadResult.Unreadable.class);
        assertThat(((ReadResult.Unreadable) result).reason()).startsWith("openai: no 'messages' list");
    }

    @ParameterizedTest
    @EnumSource(SampleFormat.class)
    void writtenSamplesReadBackEqual(final SampleFormat format) {
        final ToolSample sample = cleanSample();

        final String line = format.writeLine(sample);
        final ReadResult.Read read = read(line);

        assertThat(read.format()).isEqualTo(format);
        assertThat(read.sample()).isEqualTo(sample);
        assertThat(line).doesNotContain("\n").contains("\"id\": \"sample-1\"");
    }

    /**
     * Found by fuzzing: a schema nested near the read limit inside a ShareGPT tools string sits a few
     * levels deeper in an OpenAI record, and writing the record threw.
     */
    @ParameterizedTest
    @EnumSource(SampleFormat.class)
    void writesASchemaNestedAsDeepAsReadingAllows(final SampleFormat format) {
        final String schema = "{\"type\": \"array\", \"items\": ".repeat(997) + "{}" + "}".repeat(997);
        final String tools = "[{\"name\": \"f\", \"description\": \"d\", \"parameters\": " + schema + "}]";
        final String line = "{\"conversations\": [{\"from\": \"human\", \"value\": \"hi\"}, {\"from\": \"gpt\", \"value\": \"ok\"}], "
                + "\"tools\": " + JSON.valueToTree(tools) + "}";
        final ToolSample sample = read(line).sample();

        assertThatCode(() -> format.writeLine(sample)).doesNotThrowAnyException();
    }

    @Test
    void convertsBetweenFormats() {
        final ToolSample original = read(Corpora.lines(Corpora.TOOLACE_ORIGINAL).get(0)).sample();

        final ToolSample viaOpenAi = read(SampleFormat.OPENAI.writeLine(original)).sample();
        final ToolSample viaShareGpt = read(SampleFormat.SHAREGPT.writeLine(viaOpenAi)).sample();
        final ToolSample back = read(SampleFormat.TOOLACE.writeLine(viaShareGpt)).sample();

        assertThat(viaOpenAi).isEqualTo(original);
        assertThat(viaShareGpt).isEqualTo(original);
        assertThat(back).isEqualTo(original);
    }

    @Test
    void theToolAcePromptIsModelledOnTheRealOne() {
        final String real = read(Corpora.lines(Corpora.TOOLACE_ORIGINAL).get(0)).sample().system();
        final List<ToolSpec> tools = ToolDefinitions.findInPrompt(real).orElseThrow();

        final String built = ToolDefinitions.toolAcePrompt(tools);

        assertThat(ToolDefinitions.findInPrompt(built)).contains(tools);
        assertThat(built.substring(0, built.indexOf("[{"))).isEqualTo(real.substring(0, real.indexOf("[{")));
        assertThat(built.substring(built.lastIndexOf("}]") + 2)).isEqualTo(real.substring(real.lastIndexOf("}]") + 2));
        assertThat(built).contains("{\"name\": \"GetCompetitions\", \"description\": ");
    }

    /** The prompt is built from each tool's text, kept per tool by the pipeline: the whole is still one JSON array. */
    @Test
    void theToolAcePromptListsItsToolsAsTheJsonArrayOfThemInPythonsLayout() {
        for (final String line : Corpora.lines(Corpora.TOOLACE_ORIGINAL)) {
            final List<ToolSpec> tools = ToolDefinitions.findInPrompt(read(line).sample().system()).orElseThrow();

            final String built = ToolDefinitions.toolAcePrompt(tools);

            final String head = built.substring(0, built.indexOf("[{"));
            final String tail = built.substring(built.lastIndexOf("}]") + 2);
            assertThat(built).isEqualTo(head + Json.write(ToolDefinitions.toJsonArray(tools)) + tail);
        }
        final String none = ToolDefinitions.toolAcePrompt(List.of());
        assertThat(ToolDefinitions.findInPrompt(none)).isEmpty();
        assertThat(none).contains("invoke:\n" + Json.write(ToolDefinitions.toJsonArray(List.of())) + ". \n");
    }

    @Test
    void theToolAceWriterPutsTheToolsIntoThePromptWhenItLacksThem() {
        final ToolSample sample = cleanSample();
        final ToolSample withPlainSystem = new ToolSample(null, "You are a travel agent.", sample.tools(), sample.messages());

        final ToolSample back = read(SampleFormat.TOOLACE.writeLine(withPlainSystem)).sample();

        assertThat(back.system()).startsWith("You are a travel agent.\n\nYou are an expert in composing functions.");
        assertThat(back.tools()).isEqualTo(sample.tools());
    }

    @Test
    void findsNoToolsInAPromptWithoutADefinitionList() {
        assertThat(ToolDefinitions.findInPrompt("Use [this] or [{\"x\": 1}] and [{\"name\": 3}].")).isEmpty();
        assertThat(ToolDefinitions.findInPrompt(null)).isEmpty();
    }

    /** A ToolACE-shaped sample every format can hold: calls without text beside them. */
    static ToolSample cleanSample() {
        final ObjectNode params = (ObjectNode) json("""
                {"type": "dict", "properties": {"city": {"type": "string", "description": "City"},
                 "days": {"type": "integer", "description": "Days", "minimum": 1}}, "required": ["city"]}""");
        final List<ToolSpec> tools = List.of(new ToolSpec("Get Weather", "Weather forecast.", params, null),
                new ToolSpec("pkg.time", "Local time.", json("{\"type\": \"dict\", \"properties\": {}, \"required\": []}"), null));
        return new ToolSample("sample-1", ToolDefinitions.toolAcePrompt(tools), tools, List.of(
                Message.user("Weather in Paris for 3 days, and the time?"),
                Message.calls(List.of(new FunctionCall("Get Weather", (ObjectNode) json("{\"city\": \"Paris\", \"days\": 3}")),
                        new FunctionCall("pkg.time", JSON.createObjectNode()))),
                Message.tool(List.of(new ToolResult("Get Weather", json("{\"forecast\": [\"sun\", \"rain\"]}")),
                        new ToolResult("pkg.time", json("{\"time\": \"12:00\"}")))),
                Message.assistant("Sun then rain in Paris; it is noon.")));
    }

    private ReadResult.Read read(final String line) {
        final ReadResult result = detecting.read(line);
        assertThat(result).as(() -> "read " + line).isInstanceOf(ReadResult.Read.class);
        return (ReadResult.Read) result;
    }

    private static JsonNode json(final String text) {
        try {
            return JSON.readTree(text);
        } catch (final Exception e) {
            throw new IllegalArgumentException(e);
        }
    }
}
