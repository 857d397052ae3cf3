package io.toolace.stream.verify;

import static io.toolace.stream.verify.Samples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.FuzzBudget;
import io.toolace.stream.format.FuzzCorpus;
import io.toolace.stream.format.Json;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.Mutations;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.Role;
import io.toolace.stream.format.SampleFormat;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.format.ToolResult;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Assume;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.lifecycle.AddLifecycleHook;

/**
 * Reading and verifying never throw, and always give a verdict: real records, damaged as text, as
 * JSON, in their schemas, their arguments or their turns, are samples with well-formed failures (a
 * known rule, a turn of the sample, a reason) or unreadable records with a reason, and the same
 * input gets the same verdict, whatever the verifier checked before it.
 */
@AddLifecycleHook(FuzzBudget.class)
class VerifierRobustnessPropertiesTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final RuleVerifier VERIFIER = new RuleVerifier(RuleConfig.DEFAULTS);
    private static final SampleReader READER = SampleReader.detecting();
    private static final Set<String> RULE_IDS = Arrays.stream(Rule.values()).map(Rule::id).collect(Collectors.toUnmodifiableSet());

    private static final List<String> LINES = corpusLines();
    private static final List<ToolSample> SAMPLES = corpusSamples();
    private static final List<ToolSample> WITH_CALLS = SAMPLES.stream().filter(s -> s.messages().stream().anyMatch(Message::isCallTurn)).toList();
    /** Samples that pass and have a call: a fault put into one of them is the only thing wrong with it. */
    private static final List<ToolSample> PASSING = WITH_CALLS.stream().filter(s -> VERIFIER.verify(s).isEmpty()).toList();

    @Property(tries = 600)
    void textEditedLinesGetAVerdict(@ForAll("lines") final String line, @ForAll("textEdits") final List<Mutations.TextEdit> edits) {
        assertVerdictOfLine(Mutations.apply(line, edits));
    }

    @Property(tries = 600)
    void jsonEditedLinesGetAVerdict(@ForAll("lines") final String line, @ForAll("jsonEdits") final List<Mutations.JsonEdit> edits) {
        assertVerdictOfLine(Mutations.line(Mutations.apply(Json.parseOrNull(line), edits)));
    }

    @Property(tries = 300)
    void randomJsonNeverThrows(@ForAll("jsonish") final String text) {
        assertVerdictOfLine(text);
    }

    /**
     * Schemas with wrong types, deep nesting, enums of mixed types, required names without
     * properties, bad bounds: the schema of an argument a call passes is replaced, so the call is
     * checked against it, then the tool's whole schema is edited.
     */
    @Property(tries = 800)
    void editedSchemasGetAVerdict(@ForAll("withCalls") final ToolSample sample, @ForAll final int pick,
            @ForAll("schemaValues") final JsonNode argumentSchema, @ForAll("schemaEdits") final List<Mutations.JsonEdit> edits) {
        final FunctionCall call = pickCall(sample.messages(), pick);
        final List<ToolSpec> tools = new ArrayList<>(sample.tools());
        int t = 0;
        while (t < tools.size() && !Objects.equals(call.name(), tools.get(t).name())) {
            t++;
        }
        Assume.that(t < tools.size());
        final ToolSpec tool = tools.get(t);
        final ObjectNode parameters = tool.parameters() instanceof ObjectNode declared ? declared.deepCopy() : NODES.objectNode();
        if (!call.arguments().isEmpty()) {
            final List<String> passed = new ArrayList<>();
            call.arguments().fieldNames().forEachRemaining(passed::add);
            final ObjectNode properties = parameters.get("properties") instanceof ObjectNode p ? p : parameters.putObject("properties");
            properties.set(passed.get(Math.floorMod(pick / 7, passed.size())), argumentSchema.deepCopy());
        }
        final JsonNode edited = Mutations.apply(parameters, edits);
        Assume.that(Mutations.readable(edited));
        final ToolSpec editedTool = new ToolSpec(tool.name(), tool.description(), edited, tool.response());
        tools.set(t, editedTool);

        assertThat(ApiRules.check(editedTool)).allSatisfy(failure -> {
            assertWellFormed(failure, 0);
            assertThat(failure.turn()).isEqualTo(-1);
            assertThat(failure.rule()).startsWith("API_");
        });
        assertVerdict(new ToolSample(sample.id(), sample.system(), tools, sample.messages()));
    }

    /**
     * String constraints on any string: patterns as API definitions write them, some that repeat a
     * group (Java's regex engine recurses on each repetition), some broken, with and without a
     * format, against short, odd and very long strings. The problems are the same each time.
     */
    @Property(tries = 400)
    void stringConstraintsCheckAnyString(@ForAll("patterns") final String pattern, @ForAll("formatNames") final String format,
            @ForAll("strings") final String value) {
        final ObjectNode schema = NODES.objectNode().put("type", "string").put("pattern", pattern);
        if (!format.isEmpty()) {
            schema.put("format", format);
        }
        final ParamSchema compiled = ParamSchema.compile(schema, "", new ArrayList<>());
        final List<String> problems = new ArrayList<>();
        final ParamSchema.Sink sink = (rule, path, message) -> {
            assertThat(rule).isEqualTo(Rule.CALL_CONSTRAINT_VIOLATION);
            assertThat(message).isNotBlank();
            problems.add(path + ": " + message);
        };

        compiled.check(NODES.textNode(value), "arg", sink);

        final List<String> first = List.copyOf(problems);
        problems.clear();
        compiled.check(NODES.textNode(value), "arg", sink);
        assertThat(problems).as("the same string gets the same problems").isEqualTo(first);
    }

    /** Arguments of the wrong type, huge, deep, infinite, with odd characters, missing or extra. */
    @Property(tries = 800)
    void editedArgumentsGetAVerdict(@ForAll("withCalls") final ToolSample sample, @ForAll final int pick,
            @ForAll("argumentEdits") final List<Mutations.JsonEdit> edits) {
        final List<Message> messages = new ArrayList<>(sample.messages());
        final List<Integer> callTurns = callTurns(messages);
        final int turn = callTurns.get(Math.floorMod(pick, callTurns.size()));
        final List<FunctionCall> calls = new ArrayList<>(messages.get(turn).calls());
        final int k = Math.floorMod(pick / 7, calls.size());
        final JsonNode arguments = Mutations.apply(calls.get(k).arguments(), edits);
        Assume.that(Mutations.readable(arguments));
        calls.set(k, new FunctionCall(calls.get(k).name(), arguments.isObject() ? (ObjectNode) arguments : NODES.objectNode().set("x", arguments)));
        messages.set(turn, new Message(Role.ASSISTANT, messages.get(turn).text(), calls, List.of(), null));

        assertVerdict(new ToolSample(sample.id(), sample.system(), sample.tools(), messages));
    }

    /** Turns dropped, repeated, swapped, re-voiced, emptied, their text damaged. */
    @Property(tries = 600)
    void editedDialogsGetAVerdict(@ForAll("samples") final ToolSample sample, @ForAll("dialogEdits") final List<DialogEdit> edits) {
        ToolSample edited = sample;
        for (final DialogEdit edit : edits) {
            edited = edit.apply(edited);
        }
        assertVerdict(edited);
    }

    /** A fault put into a sample that passes is reported under its rule, at its turn. */
    @Property(tries = 300)
    void aFaultInAPassingSampleIsReported(@ForAll("passing") final ToolSample sample, @ForAll final Fault fault, @ForAll final int pick) {
        final List<Message> messages = new ArrayList<>(sample.messages());
        final List<Integer> callTurns = callTurns(messages);
        final int turn = callTurns.get(callTurns.size() - 1);
        final List<FunctionCall> calls = new ArrayList<>(messages.get(turn).calls());
        final int k = Math.floorMod(pick, calls.size());
        final FunctionCall call = calls.get(k);
        final ObjectNode arguments = call.arguments().deepCopy();
        final ParamSchema schema = ApiRules.compile(tool(sample, call.name()), new Findings(RuleConfig.DEFAULTS)).parameters();
        int expectedTurn = turn;
        switch (fault) {
            case UNKNOWN_FUNCTION -> calls.set(k, new FunctionCall(call.name() + "_undeclared", arguments));
            case UNDECLARED_PARAM -> {
                Assume.that(schema == null || !schema.allowsUndeclared(true));
                calls.set(k, new FunctionCall(call.name(), arguments.put("zz_undeclared", 1)));
            }
            case MISSING_REQUIRED -> {
                Assume.that(schema != null && !schema.required().isEmpty());
                arguments.remove(schema.required().iterator().next());
                calls.set(k, new FunctionCall(call.name(), arguments));
            }
            case CONTROL_CHAR -> {
                expectedTurn = 0;
                while (messages.get(expectedTurn).role() != Role.USER || messages.get(expectedTurn).text() == null) {
                    expectedTurn++;
                }
                messages.set(expectedTurn, Message.user(messages.get(expectedTurn).text() + "\u0007"));
            }
            case NO_ANSWER -> {
                messages.remove(turn);
                messages.subList(turn, messages.size()).clear();
                expectedTurn = turn - 1;
            }
        }
        if (fault != Fault.CONTROL_CHAR && fault != Fault.NO_ANSWER) {
            messages.set(turn, Message.calls(calls));
        }

        final List<Failure> failures = assertVerdict(new ToolSample(sample.id(), sample.system(), sample.tools(), messages));

        assertThat(failures).extracting(Failure::rule, Failure::turn).contains(tuple(fault.rule.id(), expectedTurn));
    }

    /**
     * A parameter renamed alike in its tool's schema and in every call that passes it: whatever the
     * new name, a sample that still passes can be exported in every format (see {@link #assertVerdict}).
     */
    @Property(tries = 300)
    void aParameterRenamedEverywhereGetsAVerdict(@ForAll("passing") final ToolSample sample, @ForAll final int pick,
            @ForAll("parameterNames") final String name) {
        final FunctionCall call = pickCall(sample.messages(), pick);
        Assume.that(!call.arguments().isEmpty());
        final List<String> passed = new ArrayList<>();
        call.arguments().fieldNames().forEachRemaining(passed::add);
        final String old = passed.get(Math.floorMod(pick / 7, passed.size()));
        final ToolSpec tool = tool(sample, call.name());
        final ObjectNode parameters = ((ObjectNode) tool.parameters()).deepCopy();
        final ObjectNode properties = (ObjectNode) parameters.get("properties");
        Assume.that(properties != null && properties.has(old) && !properties.has(name));
        properties.set(name, properties.remove(old));
        if (parameters.get("required") instanceof ArrayNode required) {
            for (int i = 0; i < required.size(); i++) {
                if (required.get(i).asText().equals(old)) {
                    required.set(i, NODES.textNode(name));
                }
            }
        }
        final List<ToolSpec> tools = new ArrayList<>(sample.tools());
        tools.set(tools.indexOf(tool), new ToolSpec(tool.name(), tool.description(), parameters, tool.response()));
        final List<Message> messages = new ArrayList<>();
        for (final Message message : sample.messages()) {
            final List<FunctionCall> calls = new ArrayList<>();
            for (final FunctionCall c : message.calls()) {
                final ObjectNode arguments = c.arguments().deepCopy();
                if (tool.name().equals(c.name()) && arguments.has(old)) {
                    arguments.set(name, arguments.remove(old));
                }
                calls.add(new FunctionCall(c.name(), arguments));
            }
            messages.add(new Message(message.role(), message.text(), calls, message.results(), message.issue()));
        }

        assertVerdict(new ToolSample(sample.id(), sample.system(), tools, messages));
    }

    enum Fault {
        UNKNOWN_FUNCTION(Rule.CALL_UNKNOWN_FUNCTION),
        UNDECLARED_PARAM(Rule.CALL_UNKNOWN_PARAM),
        MISSING_REQUIRED(Rule.CALL_MISSING_REQUIRED),
        CONTROL_CHAR(Rule.DIALOG_INVALID_CHARS),
        NO_ANSWER(Rule.DIALOG_INCOMPLETE);

        private final Rule rule;

        Fault(final Rule rule) {
            this.rule = rule;
        }
    }

    private static List<Integer> callTurns(final List<Message> messages) {
        final List<Integer> turns = new ArrayList<>();
        for (int turn = 0; turn < messages.size(); turn++) {
            if (messages.get(turn).isCallTurn()) {
                turns.add(turn);
            }
        }
        return turns;
    }

    private static FunctionCall pickCall(final List<Message> messages, final int pick) {
        final List<Integer> turns = callTurns(messages);
        final List<FunctionCall> calls = messages.get(turns.get(Math.floorMod(pick, turns.size()))).calls();
        return calls.get(Math.floorMod(pick / 3, calls.size()));
    }

    private static ToolSpec tool(final ToolSample sample, final String name) {
        return sample.tools().stream().filter(t -> name.equals(t.name())).findFirst().orElseThrow();
    }

    /** Nesting as deep as the JSON parser allows, on a thread with a small stack: reported, not a stack overflow. */
    @Example
    void hostileNestingIsReportedNotAStackOverflow() throws InterruptedException {
        final int depth = 990;
        final String schema = "{\"type\": \"dict\", \"properties\": {\"x\": " + "{\"type\": \"array\", \"items\": ".repeat(depth)
                + "{\"type\": \"string\"}" + "}".repeat(depth) + "}}";
        final String arguments = "{\\\"x\\\": " + "[".repeat(depth) + "\\\"\\\\u0000\\\"" + "]".repeat(depth) + "}";
        final String line = "{\"messages\": [{\"role\": \"user\", \"content\": \"hi\"}, {\"role\": \"assistant\", \"tool_calls\": "
                + "[{\"id\": \"a\", \"function\": {\"name\": \"f\", \"arguments\": \"" + arguments + "\"}}]}], "
                + "\"tools\": [{\"type\": \"function\", \"function\": {\"name\": \"f\", \"description\": \"d\", \"parameters\": " + schema + "}}]}";
        final List<String> rules = new ArrayList<>();
        final Thread small = new Thread(null, () -> {
            final ReadResult.Read read = (ReadResult.Read) READER.read(line);
            VERIFIER.verify(read.sample()).forEach(f -> rules.add(f.rule()));
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();

        assertThat(rules).containsExactlyInAnyOrder(Rule.API_SCHEMA_INVALID.id(), Rule.DIALOG_INVALID_CHARS.id());
    }

    /** The verdict of a line as the {@code verify} command gives it: a line that is no sample fails {@link Rule#DIALOG_UNREADABLE}. */
    private static void assertVerdictOfLine(final String line) {
        final ReadResult result = READER.read(line);
        if (result instanceof ReadResult.Read read) {
            assertVerdict(read.sample());
        } else {
            assertThat(((ReadResult.Unreadable) result).reason()).isNotBlank();
        }
    }

    /**
     * The sample's failures, checked: each names a rule, the rule layer, a turn of the sample (or -1)
     * and a reason; verifying another sample in between does not change them. A sample that passes
     * is written, as the pipeline exports verified samples, in every format, and reads back.
     */
    private static List<Failure> assertVerdict(final ToolSample sample) {
        final List<Failure> failures = VERIFIER.verify(sample);
        assertThat(failures).allSatisfy(failure -> assertWellFormed(failure, sample.messages().size()));
        VERIFIER.verify(SAMPLES.get(sample.messages().size() % SAMPLES.size()));
        assertThat(VERIFIER.verify(sample)).as("the same sample gets the same verdict").isEqualTo(failures);
        if (failures.isEmpty()) {
            for (final SampleFormat format : SampleFormat.values()) {
                assertThat(READER.read(format.writeLine(sample))).as("a verified sample written as " + format).isInstanceOf(ReadResult.Read.class);
            }
        }
        return failures;
    }

    private static void assertWellFormed(final Failure failure, final int turns) {
        assertThat(failure.rule()).isIn(RULE_IDS);
        assertThat(failure.layer()).isEqualTo(Rule.Layer.RULE.id());
        assertThat(failure.turn()).isBetween(-1, Math.max(-1, turns - 1));
        assertThat(failure.message()).isNotBlank();
    }

    /** One edit of a dialog's turns, tools or system prompt. */
    record DialogEdit(DialogKind kind, int at, Mutations.TextEdit textEdit) {

        ToolSample apply(final ToolSample sample) {
            final List<Message> messages = new ArrayList<>(sample.messages());
            final List<ToolSpec> tools = new ArrayList<>(sample.tools());
            String system = sample.system();
            final int n = messages.size();
            final int i = n == 0 ? 0 : Math.floorMod(at, n);
            switch (kind) {
                case DROP -> {
                    if (n > 0) {
                        messages.remove(i);
                    }
                }
                case REPEAT -> {
                    if (n > 0) {
                        messages.add(i, messages.get(i));
                    }
                }
                case SWAP -> {
                    if (n > 1) {
                        final int j = (i + 1) % n;
                        messages.set(i, sample.messages().get(j));
                        messages.set(j, sample.messages().get(i));
                    }
                }
                case REVOICE -> {
                    if (n > 0) {
                        final Message m = messages.get(i);
                        messages.set(i, new Message(Role.values()[Math.floorMod(at / 7, Role.values().length)], m.text(), m.calls(), m.results(), m.issue()));
                    }
                }
                case EDIT_TEXT -> {
                    if (n > 0) {
                        final Message m = messages.get(i);
                        messages.set(i, new Message(m.role(), textEdit.apply(m.text() == null ? "" : m.text()), m.calls(), m.results(), m.issue()));
                    }
                }
                case NO_TEXT -> {
                    if (n > 0) {
                        final Message m = messages.get(i);
                        messages.set(i, new Message(m.role(), null, m.calls(), m.results(), m.issue()));
                    }
                }
                case NO_CALLS_OR_RESULTS -> {
                    if (n > 0) {
                        final Message m = messages.get(i);
                        messages.set(i, new Message(m.role(), m.text(), List.of(), List.of(), m.issue()));
                    }
                }
                case UNNAMED_RESULT -> {
                    if (n > 0) {
                        final Message m = messages.get(i);
                        final List<ToolResult> results = new ArrayList<>(m.results());
                        results.add(new ToolResult(null, NODES.textNode(textEdit.apply("result"))));
                        messages.set(i, new Message(m.role(), m.text(), m.calls(), results, m.issue()));
                    }
                }
                case RENAME_CALL -> {
                    if (n > 0 && messages.get(i).isCallTurn()) {
                        final Message m = messages.get(i);
                        final List<FunctionCall> calls = new ArrayList<>(m.calls());
                        final FunctionCall first = calls.get(0);
                        calls.set(0, new FunctionCall(first.name() == null ? null : textEdit.apply(first.name()), first.arguments()));
                        messages.set(i, new Message(m.role(), m.text(), calls, m.results(), m.issue()));
                    }
                }
                case NO_TOOLS -> tools.clear();
                case TWIN_TOOL -> {
                    if (!tools.isEmpty()) {
                        tools.add(tools.get(Math.floorMod(at, tools.size())));
                    }
                }
                case EDIT_SYSTEM -> system = textEdit.apply(system == null ? "" : system);
                case MANY_TURNS -> {
                    for (int r = 0; r < 1 + Math.floorMod(at, 20); r++) {
                        messages.addAll(sample.messages());
                    }
                }
            }
            return new ToolSample(sample.id(), system, tools, messages);
        }
    }

    enum DialogKind { DROP, REPEAT, SWAP, REVOICE, EDIT_TEXT, NO_TEXT, NO_CALLS_OR_RESULTS, UNNAMED_RESULT, RENAME_CALL, NO_TOOLS, TWIN_TOOL,
        EDIT_SYSTEM, MANY_TURNS }

    private static List<String> corpusLines() {
        final List<String> lines = new ArrayList<>(FuzzCorpus.lines());
        for (final SampleFormat format : SampleFormat.values()) {
            lines.add(format.writeLine(Samples.clean()));
        }
        return List.copyOf(lines);
    }

    private static List<ToolSample> corpusSamples() {
        final List<ToolSample> samples = new ArrayList<>(FuzzCorpus.samples());
        samples.add(Samples.clean());
        return List.copyOf(samples);
    }

    @Provide
    Arbitrary<String> lines() {
        return Arbitraries.of(LINES);
    }

    @Provide
    Arbitrary<ToolSample> samples() {
        return Arbitraries.of(SAMPLES);
    }

    @Provide
    Arbitrary<JsonNode> schemaValues() {
        return Arbitraries.frequencyOf(Tuple.of(1, Mutations.jsonValues()), Tuple.of(3, schemaFragments()));
    }

    @Provide
    Arbitrary<ToolSample> withCalls() {
        return Arbitraries.of(WITH_CALLS);
    }

    @Provide
    Arbitrary<ToolSample> passing() {
        return Arbitraries.of(PASSING);
    }

    @Provide
    Arbitrary<List<Mutations.TextEdit>> textEdits() {
        return Mutations.textEdits();
    }

    @Provide
    Arbitrary<List<Mutations.JsonEdit>> jsonEdits() {
        return Mutations.jsonEdits(Mutations.jsonValues());
    }

    @Provide
    Arbitrary<List<Mutations.JsonEdit>> schemaEdits() {
        return Mutations.jsonEdits(schemaValues());
    }

    @Provide
    Arbitrary<List<Mutations.JsonEdit>> argumentEdits() {
        return Mutations.jsonEdits(Arbitraries.frequencyOf(Tuple.of(2, Mutations.jsonValues()), Tuple.of(1, formattedStrings())));
    }

    @Provide
    Arbitrary<List<DialogEdit>> dialogEdits() {
        return Combinators.combine(Arbitraries.of(DialogKind.values()), Arbitraries.integers(), Mutations.textEdit())
                .as(DialogEdit::new).list().ofMinSize(1).ofMaxSize(3);
    }

    /** Schema fragments in JSON Schema and the BFCL dialect, most of them broken. */
    private static Arbitrary<JsonNode> schemaFragments() {
        final Arbitrary<JsonNode> fragments = Arbitraries.of(
                "\"dict\"", "\"any\"", "\"unknown\"", "\"String\"", "[\"string\", 3]", "[]", "[\"string\", \"null\"]", "[\"any\", \"int\"]",
                "{\"type\": 5}", "{\"type\": \"array\", \"items\": 3}", "{\"type\": \"array\", \"items\": []}",
                "{\"type\": \"array\", \"items\": [{\"type\": \"string\"}, 5]}", "{\"type\": \"tuple\", \"items\": [{\"type\": \"int\"}]}",
                "{\"enum\": [1, \"a\", null, {\"x\": 1}, [1], 1.0, true, 1e999, 123456789012345678901234567890]}",
                "{\"type\": \"string\", \"enum\": [1, \"a\"]}", "{\"type\": \"number\", \"enum\": [1, 2.5, 1e999]}", "{\"enum\": []}",
                "{\"enum\": {}}", "{\"const\": null}", "{\"const\": 1e999}",
                "{\"type\": \"dict\", \"properties\": {}, \"required\": [\"nope\", 3, null]}", "{\"required\": \"x\"}", "{\"required\": true}",
                "{\"required\": null}", "{\"properties\": []}", "{\"properties\": {\"a\": 3, \"b\": {\"type\": \"int\", \"optional\": true}}}",
                "{\"type\": \"string\", \"pattern\": \"(\"}", "{\"pattern\": 5}", "{\"type\": \"string\", \"pattern\": \"^[a-z]+$\"}",
                "{\"type\": \"string\", \"pattern\": \"\\\\p{IsLatin}+\"}", "{\"minimum\": \"a\"}", "{\"minimum\": 5, \"maximum\": 1}",
                "{\"minimum\": 1e999}", "{\"maximum\": -1e999}", "{\"exclusiveMinimum\": true, \"minimum\": 0}", "{\"exclusiveMaximum\": 1e400}",
                "{\"exclusiveMinimum\": \"yes\"}", "{\"minLength\": -1}", "{\"maxLength\": 1e20}", "{\"minLength\": 1.5}",
                "{\"minLength\": 3, \"maxLength\": 1}", "{\"minItems\": 99999999999}", "{\"maxItems\": 0}",
                "{\"type\": \"string\", \"format\": \"date\"}", "{\"type\": \"string\", \"format\": \"date-time\"}",
                "{\"type\": \"string\", \"format\": \"uri\"}", "{\"format\": \"uri-reference\"}", "{\"format\": \"email\"}",
                "{\"format\": \"ipv4\"}", "{\"format\": \"uuid\"}", "{\"format\": \"time\"}", "{\"format\": 5}", "{\"format\": \"\"}",
                "{\"anyOf\": []}", "{\"anyOf\": [3]}", "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\"}]}",
                "{\"allOf\": [{\"minimum\": 3}, {\"type\": \"string\"}]}", "{\"anyOf\": [{\"anyOf\": [{\"type\": \"null\"}]}]}",
                "{\"additionalProperties\": false}", "{\"additionalProperties\": {\"type\": \"integer\"}}", "{\"additionalProperties\": 5}",
                "{\"nullable\": true, \"type\": \"string\"}", "{\"nullable\": \"yes\"}", "{\"optional\": true}", "{\"optional\": \"no\"}")
                .map(Samples::json);
        final Arbitrary<JsonNode> deep = Arbitraries.integers().between(1, 990).map(depth -> json(
                "{\"type\": \"array\", \"items\": ".repeat(depth) + "{\"type\": \"string\"}" + "}".repeat(depth)));
        final Arbitrary<JsonNode> deepProperties = Arbitraries.integers().between(1, 450).map(depth -> json(
                "{\"type\": \"dict\", \"required\": [\"p\"], \"properties\": {\"p\": ".repeat(depth) + "{}" + "}}".repeat(depth)));
        return Arbitraries.frequencyOf(Tuple.of(8, fragments), Tuple.of(1, deep), Tuple.of(1, deepProperties));
    }

    /** Strings near the formats the verifier checks: dates, times, URIs, e-mail addresses, UUIDs, IPv4 addresses. */
    private static Arbitrary<JsonNode> formattedStrings() {
        return Arbitraries.of("2024-02-29", "2023-02-29", "2024-13-01", "2024-01-01T10:00", "2024-01-01 10:00:00+25:00",
                "2024-01-01T24:00:00Z", "10:61", "23:59:60Z", "http://[::1", "http://[::1]:80/", "http://a b", "mailto:", "%",
                "::", "a@b", "a@b.c", "@.", "0000000-0000-0000-0000-000000000000", "256.1.1.1", "1.1.1.1", "", "\ud800",
                "a".repeat(5_000), "http://" + "a.".repeat(2_000)).map(NODES::textNode);
    }

    @Provide
    Arbitrary<String> parameterNames() {
        return Arbitraries.oneOf(Arbitraries.of("first name", "a=b", "", " ", "x,y", "q\"", "ok_name", "$ref", "a.b", "a-b", "1st"),
                Mutations.syntaxPieces(), Mutations.oddChars(), Arbitraries.strings().all().ofMaxLength(6));
    }

    @Provide
    Arbitrary<String> patterns() {
        final Arbitrary<String> written = Arbitraries.of("^[A-Z]{3}$", "^\\d{4}-\\d{2}-\\d{2}$", "^[^<>]*$", ".*", "", "\\p{L}+",
                "^(?=.*[A-Z])(?=.*\\d).{8,}$", "^FREQ=[A-Z]+;?[A-Z0-9=;,]*$", "(a)\\1*", "^(a|b)*$", "^(a|b| )*$",
                "^([a-z]+,)*[a-z]+$", "^(\\w|\\s)+$", "^([A-Za-z]+\\s?)+$", "^(?:[a-z0-9]+(?:-[a-z0-9]+)*)$", "^((a|b)c?)*$",
                "(x+x+)+y", "([a-z]{2})+", "(", "[a-", "a{2,1}", "\\");
        return Arbitraries.oneOf(written, Combinators.combine(written, Mutations.textEdit()).as((pattern, edit) -> edit.apply(pattern)));
    }

    @Provide
    Arbitrary<String> formatNames() {
        return Arbitraries.of("", "date", "date-time", "time", "email", "uri", "uri-reference", "uuid", "ipv4", "hostname");
    }

    @Provide
    Arbitrary<String> strings() {
        return Arbitraries.oneOf(
                Arbitraries.of("", "a", "abc", "ABC", "2024-02-29", "2024-02-29T10:00:00Z", "12:00", "a@b.co", "http://[::1", "1.2.3.4",
                        "FREQ=DAILY;COUNT=3", "Passw0rdX"),
                Arbitraries.of("ab", "a b ", "abc,", "ac", "x", "é").flatMap(unit -> Arbitraries.of(10, 600, 3_000, 20_000).map(unit::repeat)),
                Arbitraries.of(10, 600, 3_000, 20_000).map(labels -> "a@b" + ".c".repeat(labels)),
                Mutations.oddChars(),
                Arbitraries.strings().all().ofMaxLength(30));
    }

    @Provide
    Arbitrary<String> jsonish() {
        return Arbitraries.strings().withChars("{}[]\":,0123456789 abcdefghijklmnopqrstuvwxyz_\\").ofMaxLength(80)
                .map(body -> "{\"conversations\": [{\"from\": \"assistant\", \"value\": \"" + body + "\"}], \"system\": \"[" + body + "\"}");
    }
}
