package io.toolace.stream.verify;

import static io.toolace.stream.verify.Samples.CALLS;
import static io.toolace.stream.verify.Samples.FIRST_USER;
import static io.toolace.stream.verify.Samples.LAST_ANSWER;
import static io.toolace.stream.verify.Samples.LAST_USER;
import static io.toolace.stream.verify.Samples.RESULTS;
import static io.toolace.stream.verify.Samples.SEARCH;
import static io.toolace.stream.verify.Samples.SUMMARY;
import static io.toolace.stream.verify.Samples.UNUSED;
import static io.toolace.stream.verify.Samples.WEATHER;
import static io.toolace.stream.verify.Samples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import com.fasterxml.jackson.databind.node.TextNode;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.Role;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.format.ToolResult;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import io.toolace.stream.format.TurnIssue;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class RuleVerifierTest {

    private final RuleVerifier verifier = new RuleVerifier(RuleConfig.DEFAULTS);

    @Test
    void theCleanSamplePasses() {
        assertThat(verifier.verify(Samples.clean())).isEmpty();
    }

    @Test
    void theCleanSamplePassesAfterATripThroughEachFormat() {
        for (final SampleFormat format : SampleFormat.values()) {
            final ReadResult read = SampleReader.detecting().read(format.writeLine(Samples.clean()));
            assertThat(verifier.verify(((ReadResult.Read) read).sample())).as(format.id()).isEmpty();
        }
    }

    /** Each minimal edit of the clean sample breaks exactly one rule, at the expected turn. */
    static Stream<Arguments> mutations() {
        final ToolSpec unused = Samples.clean().tools().get(UNUSED);
        return Stream.of(
                arguments("tool name with brackets", Samples.tool(UNUSED, rename(unused, "Get [Time]")), Rule.API_NAME_INVALID, -1),
                arguments("tool without name", Samples.tool(UNUSED, rename(unused, null)), Rule.API_NAME_INVALID, -1),
                // Found by fuzzing: such a sample passed, then the ToolACE exporter could not write its call.
                arguments("parameter name no keyword can spell", Samples.tool(UNUSED, params(unused,
                        "{\"type\": \"dict\", \"properties\": {\"time zone\": {\"type\": \"string\"}}}")), Rule.API_NAME_INVALID, -1),
                arguments("blank description", Samples.tool(UNUSED, new ToolSpec(unused.name(), " ", unused.parameters(), null)),
                        Rule.API_DESCRIPTION_MISSING, -1),
                arguments("unknown type name", Samples.tool(UNUSED, params(unused, "{\"type\": \"dict\", \"properties\": {\"timezone\": {\"type\": \"flaot\"}}}")),
                        Rule.API_SCHEMA_INVALID, -1),
                arguments("required but not declared", Samples.tool(UNUSED, params(unused, "{\"type\": \"dict\", \"properties\": {}, \"required\": [\"zone\"]}")),
                        Rule.API_SCHEMA_INVALID, -1),
                arguments("enum value of another type", Samples.tool(UNUSED, params(unused,
                        "{\"type\": \"dict\", \"properties\": {\"fmt\": {\"type\": \"integer\", \"enum\": [1, \"two\"]}}}")), Rule.API_SCHEMA_INVALID, -1),
                arguments("parameters not an object schema", Samples.tool(UNUSED, params(unused, "{\"type\": \"array\"}")), Rule.API_SCHEMA_INVALID, -1),
                arguments("bad regular expression", Samples.tool(UNUSED, params(unused,
                        "{\"type\": \"dict\", \"properties\": {\"timezone\": {\"type\": \"string\", \"pattern\": \"([a-z\"}}}")), Rule.API_SCHEMA_INVALID, -1),
                arguments("tool declared twice", Samples.addTool(unused), Rule.API_DUPLICATE_NAME, -1),
                arguments("call list that does not parse", Samples.message(CALLS, new Message(Role.ASSISTANT, "[Get Weather(city=", List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.CALL_SYNTAX, "at character 18: unexpected end of text"))), Rule.CALL_PARSE_ERROR, CALLS),
                arguments("unknown function", renameCall("Get Wether"), Rule.CALL_UNKNOWN_FUNCTION, CALLS),
                arguments("required argument left out", Samples.argument(WEATHER, "city", null), Rule.CALL_MISSING_REQUIRED, CALLS),
                arguments("undeclared argument", Samples.argument(WEATHER, "country", TextNode.valueOf("FR")), Rule.CALL_UNKNOWN_PARAM, CALLS),
                arguments("string for an integer", Samples.argument(WEATHER, "days", TextNode.valueOf("3")), Rule.CALL_TYPE_MISMATCH, CALLS),
                arguments("float for an integer", Samples.argument(WEATHER, "days", json("3.0")), Rule.CALL_TYPE_MISMATCH, CALLS),
                arguments("boolean for an integer", Samples.argument(WEATHER, "days", json("true")), Rule.CALL_TYPE_MISMATCH, CALLS),
                arguments("null where null is not allowed", Samples.argument(WEATHER, "city", json("null")), Rule.CALL_TYPE_MISMATCH, CALLS),
                arguments("nested list item of the wrong type", Samples.nested(SEARCH, "/filters/tags/0", json("1")), Rule.CALL_TYPE_MISMATCH, CALLS),
                arguments("nested key of the wrong type", Samples.nested(SEARCH, "/filters/max_price", TextNode.valueOf("20")), Rule.CALL_TYPE_MISMATCH, CALLS),
                arguments("value outside the enum", Samples.argument(WEATHER, "units", TextNode.valueOf("kelvin")), Rule.CALL_CONSTRAINT_VIOLATION, CALLS),
                arguments("value above the maximum", Samples.argument(WEATHER, "days", json("30")), Rule.CALL_CONSTRAINT_VIOLATION, CALLS),
                arguments("date that does not exist", Samples.argument(WEATHER, "date", TextNode.valueOf("2024-02-30")), Rule.CALL_CONSTRAINT_VIOLATION, CALLS),
                arguments("string shorter than minLength", Samples.argument(SEARCH, "query", TextNode.valueOf("")), Rule.CALL_CONSTRAINT_VIOLATION, CALLS),
                arguments("user turn without text", Samples.message(LAST_USER, Message.user(null)), Rule.DIALOG_MISSING_FIELD, LAST_USER),
                arguments("call without a name", Samples.message(CALLS, Message.calls(List.of(new FunctionCall(null, Samples.JSON.createObjectNode()),
                        Samples.clean().messages().get(CALLS).calls().get(1)))), Rule.DIALOG_MISSING_FIELD, CALLS),
                arguments("field the reader found missing", Samples.message(LAST_USER, Message.user(null)
                        .withIssue(new TurnIssue(TurnIssue.Kind.MISSING_FIELD, "turn has no 'value'"))), Rule.DIALOG_MISSING_FIELD, LAST_USER),
                arguments("blank user turn", Samples.message(LAST_USER, Message.user("   ")), Rule.DIALOG_EMPTY_TURN, LAST_USER),
                arguments("empty call list", Samples.message(LAST_ANSWER, Message.assistant("")), Rule.DIALOG_EMPTY_TURN, LAST_ANSWER),
                arguments("overlong answer", Samples.message(LAST_ANSWER, Message.assistant("Enjoy. ".repeat(1_200))), Rule.DIALOG_TOO_LONG, LAST_ANSWER),
                arguments("NUL in a user turn", Samples.message(FIRST_USER, Message.user("Weather in Paris?\u0000")), Rule.DIALOG_INVALID_CHARS, FIRST_USER),
                arguments("replacement character", Samples.message(LAST_ANSWER, Message.assistant("Caf\uFFFD is open.")), Rule.DIALOG_INVALID_CHARS, LAST_ANSWER),
                arguments("unpaired surrogate", Samples.message(LAST_USER, Message.user("Thanks \uD83D a lot.")), Rule.DIALOG_INVALID_CHARS, LAST_USER),
                arguments("control character in an argument", Samples.argument(WEATHER, "city", TextNode.valueOf("Par\u0007is")), Rule.DIALOG_INVALID_CHARS, CALLS),
                arguments("answer in another language", Samples.message(LAST_ANSWER, Message.assistant("不客气，祝你在巴黎旅途愉快，希望天气一直很好。")),
                        Rule.DIALOG_MIXED_LANGUAGE, LAST_ANSWER),
                arguments("two languages in one turn", Samples.message(LAST_USER, Message.user("Thanks, that helps a lot. 谢谢你的帮助，非常感谢你们。")),
                        Rule.DIALOG_MIXED_LANGUAGE, LAST_USER),
                arguments("ends on a user turn", Samples.truncate(LAST_ANSWER), Rule.DIALOG_INCOMPLETE, LAST_USER),
                arguments("ends on a tool turn", Samples.truncate(SUMMARY), Rule.DIALOG_INCOMPLETE, RESULTS),
                arguments("answer cut off", Samples.message(LAST_ANSWER, Message.assistant("You're welcome. Enjoy your trip,")), Rule.DIALOG_INCOMPLETE, LAST_ANSWER),
                arguments("unclosed code block", Samples.message(LAST_ANSWER, Message.assistant("Here:\n```python\nprint(1)")), Rule.DIALOG_INCOMPLETE, LAST_ANSWER),
                arguments("two user turns in a row", Samples.insert(FIRST_USER + 1, Message.user("Also, hello.")), Rule.CONSIST_ROLE_ORDER, FIRST_USER + 1),
                arguments("tool turn after a text answer", Samples.insert(SUMMARY + 1, Message.tool(List.of(new ToolResult("Get Time", json("{}"))))),
                        Rule.CONSIST_ROLE_ORDER, SUMMARY + 1),
                arguments("dialog opening with the assistant", Samples.insert(0, Message.assistant("Hello! How can I help?")), Rule.CONSIST_ROLE_ORDER, 0),
                arguments("result under another name", result(0, new ToolResult("Get Time", json("{\"time\": \"12:00\"}"))),
                        Rule.CONSIST_TOOL_NAME_MISMATCH, RESULTS),
                arguments("tool message answering no call id", Samples.message(RESULTS, Samples.clean().messages().get(RESULTS)
                        .withIssue(new TurnIssue(TurnIssue.Kind.UNMATCHED_CALL_ID, "tool_call_id 'x' answers no call"))), Rule.CONSIST_TOOL_NAME_MISMATCH, RESULTS),
                arguments("one result for two calls", Samples.message(RESULTS, Message.tool(List.of(Samples.clean().messages().get(RESULTS).results().get(0)))),
                        Rule.CONSIST_RESPONSE_COUNT, RESULTS),
                arguments("text beside the calls", Samples.message(CALLS, new Message(Role.ASSISTANT, "Let me check.",
                        Samples.clean().messages().get(CALLS).calls(), List.of(), null)), Rule.CONSIST_FORMAT_VIOLATION, CALLS),
                arguments("tool value of the wrong shape", Samples.message(RESULTS, new Message(Role.TOOL, "sunny", List.of(), List.of(),
                        new TurnIssue(TurnIssue.Kind.SHAPE, "tool value is not a JSON list"))), Rule.CONSIST_FORMAT_VIOLATION, RESULTS));
    }

    @ParameterizedTest(name = "{0} -> {2}")
    @MethodSource("mutations")
    void aMinimalMutationBreaksExactlyItsRule(final String what, final UnaryOperator<ToolSample> mutation, final Rule rule, final int turn) {
        final List<Failure> failures = verifier.verify(mutation.apply(Samples.clean()));

        assertThat(failures).as(what).isNotEmpty().allSatisfy(failure -> {
            assertThat(failure.rule()).isEqualTo(rule.id());
            assertThat(failure.layer()).isEqualTo("rule");
            assertThat(failure.turn()).isEqualTo(turn);
            assertThat(failure.message()).isNotBlank();
        });
    }

    @ParameterizedTest(name = "{0} -> {2} is off")
    @MethodSource("mutations")
    void aDisabledRuleIsNotReported(final String what, final UnaryOperator<ToolSample> mutation, final Rule rule, final int turn) {
        final RuleVerifier lenient = new RuleVerifier(RuleConfig.DEFAULTS.withDisabled(Set.of(rule)));

        assertThat(lenient.verify(mutation.apply(Samples.clean()))).as(what).isEmpty();
    }

    @Test
    void theMutationsCoverEveryRuleOfTheRuleLayerThatASampleCanBreak() {
        final Set<Rule> covered = mutations().map(a -> (Rule) a.get()[2]).collect(Collectors.toCollection(() -> EnumSet.noneOf(Rule.class)));
        final Set<Rule> ruleLayer = EnumSet.allOf(Rule.class);
        ruleLayer.removeIf(rule -> rule.layer() != Rule.Layer.RULE);
        ruleLayer.remove(Rule.DIALOG_UNREADABLE);

        assertThat(covered).isEqualTo(ruleLayer);
    }

    @Test
    void textBesideCallsIsFineWhenThePromptDoesNotForbidIt() {
        final UnaryOperator<ToolSample> beside = Samples.message(CALLS, new Message(Role.ASSISTANT, "Let me check.",
                Samples.clean().messages().get(CALLS).calls(), List.of(), null));
        final ToolSample plainPrompt = Samples.system("You are a helpful assistant.").apply(beside.apply(Samples.clean()));

        assertThat(verifier.verify(plainPrompt)).isEmpty();
        assertThat(new RuleVerifier(RuleConfig.DEFAULTS.withCallsOnly(RuleConfig.CallsOnly.ALWAYS)).verify(plainPrompt))
                .extracting(Failure::rule).containsExactly(Rule.CONSIST_FORMAT_VIOLATION.id());
        assertThat(new RuleVerifier(RuleConfig.DEFAULTS.withCallsOnly(RuleConfig.CallsOnly.NEVER)).verify(beside.apply(Samples.clean())))
                .isEmpty();
    }

    @Test
    void limitsAreConfigurable() {
        final RuleVerifier tight = new RuleVerifier(RuleConfig.DEFAULTS.withMaxTurns(4).withMaxTurnChars(60));

        assertThat(tight.verify(Samples.clean())).extracting(Failure::rule, Failure::turn).containsExactly(
                tuple(Rule.DIALOG_TOO_LONG.id(), -1),
                tuple(Rule.DIALOG_TOO_LONG.id(), FIRST_USER),
                tuple(Rule.DIALOG_TOO_LONG.id(), SUMMARY));
    }

    @Test
    void aDialogMayEndOnACallTurn() {
        assertThat(verifier.verify(Samples.truncate(RESULTS).apply(Samples.clean()))).isEmpty();
    }

    @Test
    void anEmptyToolTurnAfterCallsIsAResponseCountMismatch() {
        final ToolSample noResults = Samples.message(RESULTS, Message.tool(List.of())).apply(Samples.clean());

        assertThat(verifier.verify(noResults)).extracting(Failure::rule)
                .contains(Rule.CONSIST_RESPONSE_COUNT.id());
    }

    @Test
    void oneResultPerCallButTwiceUnderOneNameLeavesACallUnanswered() {
        final ToolResult second = Samples.clean().messages().get(RESULTS).results().get(1);
        final ToolSample twice = Samples.message(RESULTS, Message.tool(List.of(second, second))).apply(Samples.clean());

        assertThat(verifier.verify(twice)).extracting(Failure::rule).contains(Rule.CONSIST_TOOL_NAME_MISMATCH.id());
    }

    @Test
    void anEmptyDialogIsMissingItsTurns() {
        final ToolSample empty = new ToolSample(null, null, List.of(), List.of());

        assertThat(verifier.verify(empty)).extracting(Failure::rule).containsExactly(Rule.DIALOG_MISSING_FIELD.id());
    }

    @Test
    void aMangledCallNameGetsASuggestion() {
        final List<Failure> failures = verifier.verify(renameCall("Weather").apply(Samples.clean()));

        assertThat(failures).singleElement().satisfies(f -> assertThat(f.message()).contains("did you mean 'Get Weather'?"));
    }

    @Test
    void severalFailuresOfOneCallAreReportedTogether() {
        final ToolSample broken = Samples.argument(WEATHER, "days", TextNode.valueOf("3"))
                .andThen(Samples.argument(WEATHER, "units", TextNode.valueOf("kelvin")))
                .andThen(Samples.argument(WEATHER, "city", null))
                .apply(Samples.clean());

        assertThat(verifier.verify(broken)).extracting(Failure::rule).containsExactlyInAnyOrder(
                Rule.CALL_TYPE_MISMATCH.id(), Rule.CALL_CONSTRAINT_VIOLATION.id(), Rule.CALL_MISSING_REQUIRED.id());
        assertThat(verifier.verify(broken)).allSatisfy(f -> assertThat(f.message()).startsWith("Get Weather (call 1 of 2): "));
    }

    /**
     * Found by fuzzing: Jackson reads 1e999 as an infinite double; in an open nested object the
     * sample passed, then the exporter could not write it in ToolACE's call syntax.
     */
    @Test
    void anInfiniteNumberIsATypeMismatchWhereverItIs() {
        final ToolSample infinite = Samples.nested(SEARCH, "/filters/extra", json("{\"bounds\": [0, 1e999]}")).apply(Samples.clean());

        assertThat(verifier.verify(infinite)).extracting(Failure::rule, Failure::turn, Failure::message).containsExactly(
                tuple(Rule.CALL_TYPE_MISMATCH.id(), CALLS, "pkg.search (call 2 of 2): 'filters' holds a number beyond the range of a double, "
                        + "which JSON cannot carry"));
    }

    private static ToolSpec rename(final ToolSpec tool, final String name) {
        return new ToolSpec(name, tool.description(), tool.parameters(), tool.response());
    }

    private static ToolSpec params(final ToolSpec tool, final String parameters) {
        return new ToolSpec(tool.name(), tool.description(), json(parameters), tool.response());
    }

    /** Renames the weather call and its result alike, so only the call's name is wrong. */
    private static UnaryOperator<ToolSample> renameCall(final String name) {
        return sample -> {
            final List<FunctionCall> calls = new ArrayList<>(sample.messages().get(CALLS).calls());
            calls.set(WEATHER, new FunctionCall(name, calls.get(WEATHER).arguments()));
            return result(0, new ToolResult(name, sample.messages().get(RESULTS).results().get(0).results()))
                    .apply(Samples.message(CALLS, Message.calls(calls)).apply(sample));
        };
    }

    private static UnaryOperator<ToolSample> result(final int index, final ToolResult replacement) {
        return sample -> {
            final List<ToolResult> results = new ArrayList<>(sample.messages().get(RESULTS).results());
            results.set(index, replacement);
            return Samples.message(RESULTS, Message.tool(results)).apply(sample);
        };
    }
}
