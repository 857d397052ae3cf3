package io.toolace.stream.llm.procedural.sdg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import io.toolace.stream.llm.procedural.ProceduralSettings;
import io.toolace.stream.records.Agent;
import io.toolace.stream.records.AgentTask;
import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.DialogDraft;
import io.toolace.stream.records.DialogType;
import io.toolace.stream.records.FunctionCall;
import io.toolace.stream.records.JudgeResult;
import io.toolace.stream.records.Role;
import io.toolace.stream.records.Sample;
import io.toolace.stream.records.ToolResult;
import io.toolace.stream.records.Turn;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class DialogAgentsTest {

    private static final List<AgentTask> JUDGES = List.of(AgentTask.JUDGE_HALLUCINATION, AgentTask.JUDGE_CONSISTENCY,
            AgentTask.JUDGE_TOOL_RESPONSE, AgentTask.JUDGE_REPETITIVE);
    private static final String[] INSTRUCTIONS = {"", "", "be less literal", "ask for more", "keep it simple", "casual"};

    private final ProceduralJudges judges = new ProceduralJudges();

    // ---- shapes -------------------------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DialogType.class)
    void everyDialogCompletesWithOneScriptPerRequest(final DialogType type) {
        for (final DialogDraft d : dialogs(type, 300, 0.0, 42L)) {
            assertThat(d.getNext()).as("dialog %s ends", d.getId()).isEqualTo(Agent.DONE);
            assertThat(d.getTurns()).hasSize(DialogScript.of(type).size() * d.getTargetTurns());
            final Turn last = d.getTurns().get(d.getTurns().size() - 1);
            assertThat(last.getRole()).isEqualTo(Role.ASSISTANT);
            assertThat(last.getCalls()).isEmpty();
            assertThat(last.getText()).isNotBlank();
        }
    }

    @Test
    void parallelRequestsCallSeveralFunctionsInOneTurn() {
        for (final DialogDraft d : dialogs(DialogType.PARALLEL, 300, 0.0, 42L)) {
            // One API without parameters admits one distinct call only; then the calls repeat.
            final boolean canVary = !d.getTools().equals(List.of(Fixtures.COMPETITIONS));
            for (final Turn t : d.getTurns()) {
                if (DialogDriver.isCallTurn(t)) {
                    assertThat(t.getCalls()).hasSizeBetween(2, 3);
                    if (canVary) {
                        assertThat(new HashSet<>(t.getCalls())).as("calls of one turn differ").hasSameSizeAs(t.getCalls());
                    }
                }
            }
            assertThat(d.getTurns().stream().filter(t -> t.getRole() == Role.TOOL))
                    .allSatisfy(t -> assertThat(t.getResults()).hasSizeGreaterThanOrEqualTo(2));
        }
    }

    @Test
    void dependentSecondCallTakesAValueFromTheFirstResult() {
        final List<ApiDefinition> tools = List.of(Fixtures.WEATHER, Fixtures.FLIGHTS, Fixtures.BOOKING);
        for (int i = 0; i < 200; i++) {
            final DialogDraft d = run(Fixtures.draft("dep-" + i, DialogType.DEPENDENT, 1 + i % 3, tools, "", 0.5), 0.0, 7L);
            final List<Turn> turns = d.getTurns();
            for (int start = 0; start < turns.size(); start += 6) {
                final Set<JsonNode> firstResult = leaves(turns.get(start + 2).getResults().get(0).getResults());
                final FunctionCall second = turns.get(start + 3).getCalls().get(0);
                assertThat(leaves(second.getArguments())).as("second call of %s", d.getId())
                        .anyMatch(firstResult::contains);
                assertThat(turns.get(start + 3).getThinking()).anyMatch(line -> line.contains("<- result of"));
            }
        }
    }

    @Test
    void aDependentRequestWhoseToolsCannotLinkIsRefusedWithTheReason() {
        // An API without parameters takes no value from any result
        final DialogDraft d = Fixtures.draft("dep-none", DialogType.DEPENDENT, 1, List.of(Fixtures.COMPETITIONS), "", 0.5);

        assertThatThrownBy(() -> run(d, 0.0, 7L)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dialog dep-none cannot be dependent: no result field of its tools fits");
    }

    @Test
    void laterRequestsOfAMultiTurnDialogMixTypesAndANoToolDialogStaysWithoutTools() {
        final DialogDriver mixing = new DialogDriver(new DialogAgents(new ProceduralSettings(0, 42L, 1.0)));
        final List<ApiDefinition> tools = List.of(Fixtures.WEATHER, Fixtures.EXCHANGE, Fixtures.FLIGHTS, Fixtures.BOOKING);
        int parallelTurns = 0;
        int questions = 0;
        int textOnlyRequests = 0;
        for (int i = 0; i < 100; i++) {
            final DialogDraft d = mixing.run(Fixtures.draft("mix-" + i, DialogType.SINGLE, 3, tools, "", 0.5));
            assertThat(d.getNext()).as("dialog %s ends", d.getId()).isEqualTo(Agent.DONE);
            // the first request is the dialog's own type: one call
            assertThat(d.getTurns().get(1).getCalls()).hasSize(1);
            parallelTurns += (int) d.getTurns().stream().filter(t -> t.getCalls().size() > 1).count();
            questions += (int) d.getTurns().stream().filter(t -> t.getRole() == Role.ASSISTANT && t.getCalls().isEmpty()
                    && t.getThinking().stream().anyMatch(l -> l.endsWith("ask the user"))).count();
            for (int t = 1; t < d.getTurns().size(); t++) {
                textOnlyRequests += d.getTurns().get(t - 1).getRole() == Role.USER
                        && d.getTurns().get(t).getThinking().contains("need_tool: no") ? 1 : 0;
            }
        }
        assertThat(parallelTurns).isPositive();
        assertThat(questions).isPositive();
        assertThat(textOnlyRequests).isPositive();

        for (int i = 0; i < 50; i++) {
            final DialogDraft d = mixing.run(Fixtures.draft("nomix-" + i, DialogType.NON_TOOL, 3, tools, "", 0.5));
            assertThat(d.getTurns()).allSatisfy(t -> assertThat(t.getCalls()).isEmpty());
        }
    }

    @Test
    void followUpRequestsTakeAValueFromThePreviousResult() {
        int followUps = 0;
        for (final DialogType type : List.of(DialogType.SINGLE, DialogType.PARALLEL, DialogType.CLARIFY)) {
            final int length = DialogScript.of(type).size();
            for (int i = 0; i < 100; i++) {
                final DialogDraft d = run(Fixtures.draft("follow-" + type + i, type, 3,
                        List.of(Fixtures.WEATHER, Fixtures.EXCHANGE, Fixtures.FLIGHTS, Fixtures.BOOKING), "", 0.5), 0.0, 8L);
                for (int t = 0; t < d.getTurns().size(); t++) {
                    final Turn turn = d.getTurns().get(t);
                    final int line = indexOf(turn.getThinking(), "<- earlier result");
                    if (line < 0) {
                        continue;
                    }
                    followUps++;
                    final String parameter = turn.getThinking().get(line).split(" ")[1];
                    final int start = t - t % length;
                    final Set<JsonNode> previous = new HashSet<>();
                    for (final Turn earlier : d.getTurns().subList(start - length, start)) {
                        earlier.getResults().forEach(r -> previous.addAll(leaves(r.getResults())));
                    }
                    assertThat(previous).contains(Json.parse("arguments", turn.getCalls().get(0).getArguments()).get(parameter));
                    assertThat(d.getTurns().get(start).getText()).contains("result");
                }
            }
        }
        assertThat(followUps).isGreaterThan(50);
    }

    @Test
    void clarificationAsksForTheMissingValueAndTheUserSuppliesItBeforeTheCall() {
        for (final DialogDraft d : dialogs(DialogType.CLARIFY, 300, 0.0, 42L)) {
            final List<Turn> turns = d.getTurns();
            for (int start = 0; start < turns.size(); start += 6) {
                final Turn ask = turns.get(start + 1);
                final Turn supply = turns.get(start + 2);
                final Turn call = turns.get(start + 3);
                assertThat(ask.getCalls()).isEmpty();
                assertThat(ask.getText()).endsWith("?");
                assertThat(supply.getRole()).isEqualTo(Role.USER);
                assertThat(call.getCalls()).hasSize(1);
                final String asked = ask.getThinking().get(2);
                if (asked.contains("not stated")) {
                    final String parameter = asked.substring(asked.indexOf(' ') + 1, asked.indexOf(" not stated"));
                    final JsonNode value = Json.parse("arguments", call.getCalls().get(0).getArguments()).get(parameter);
                    assertThat(leafProse(value)).as("supplied value of %s", parameter)
                            .allMatch(v -> supply.getText().toLowerCase().contains(v.toLowerCase()));
                }
            }
        }
    }

    @Test
    void noToolDialogsMakeNoCallsAndDeclineTasksNoToolFits() {
        for (final DialogDraft d : dialogs(DialogType.NON_TOOL, 300, 0.0, 42L)) {
            assertThat(d.getTurns()).allSatisfy(t -> assertThat(t.getCalls()).isEmpty());
            for (final Turn t : d.getTurns()) {
                if (t.getRole() == Role.ASSISTANT && t.getThinking().stream().anyMatch(l -> l.startsWith("reason: no available tool"))) {
                    assertThat(t.getText()).containsAnyOf("none of the available tools", "no available tool fits");
                }
            }
        }
    }

    // ---- clean dialogs are clean --------------------------------------------------------------

    @ParameterizedTest
    @EnumSource(DialogType.class)
    void cleanDialogsFollowEverySchemaAndPassEveryJudge(final DialogType type) {
        for (final DialogDraft d : dialogs(type, 400, 0.0, 11L)) {
            assertThat(d.getFaults()).isEmpty();
            assertThat(callProblems(d)).as("calls of %s", d.getId()).isEmpty();
            assertThat(resultProblems(d)).as("results of %s", d.getId()).isEmpty();
            final Sample sample = Fixtures.sample(d);
            for (final AgentTask judge : JUDGES) {
                final JudgeResult verdict = judges.judge(judge, sample);
                assertThat(verdict.getPassed()).as("%s on %s: %s", judge, d.getId(), verdict.getReason()).isTrue();
            }
        }
    }

    @Test
    void toolResultsEchoTheArgumentsIntoFieldsOfTheSameName() {
        int echoed = 0;
        for (final DialogDraft d : dialogs(DialogType.SINGLE, 200, 0.0, 13L)) {
            for (int i = 1; i < d.getTurns().size(); i++) {
                final Turn t = d.getTurns().get(i);
                if (t.getRole() != Role.TOOL) {
                    continue;
                }
                final FunctionCall call = d.getTurns().get(i - 1).getCalls().get(0);
                final JsonNode arguments = Json.parse("arguments", call.getArguments());
                final JsonNode result = Json.parse("result", t.getResults().get(0).getResults());
                final JsonNode fields = Json.parse("response", api(d, call.getName()).getResponse()).path("properties");
                for (final Iterator<String> names = arguments.fieldNames(); names.hasNext(); ) {
                    final String name = names.next();
                    if (fields.has(name) && SchemaCheck.conforms(fields.get(name), arguments.get(name))) {
                        assertThat(result.get(name)).as("%s in %s", name, result).isEqualTo(arguments.get(name));
                        echoed++;
                    }
                }
            }
        }
        assertThat(echoed).isGreaterThan(100);
    }

    // ---- faults -------------------------------------------------------------------------------

    @Test
    void everyInjectedFaultIsLabelledOnceAndReallyPresent() {
        final Map<Fault, Integer> seen = new EnumMap<>(Fault.class);
        for (final DialogType type : DialogType.values()) {
            for (final DialogDraft d : dialogs(type, 400, 1.0, 5L)) {
                assertThat(d.getFaults()).as("labels of %s", d.getId()).hasSize(1);
                final Fault fault = Fault.valueOf(d.getFaults().get(0));
                seen.merge(fault, 1, Integer::sum);
                assertThat(present(fault, d)).as("%s present in %s: %s", fault, d.getId(), d.getTurns()).isTrue();
            }
        }
        assertThat(seen.keySet()).containsExactlyInAnyOrderElementsOf(EnumSet.allOf(Fault.class));
    }

    @Test
    void theHallucinationJudgeCatchesEveryInjectedHallucinationAndNothingElseTripsIt() {
        int hallucinations = 0;
        for (final DialogType type : List.of(DialogType.SINGLE, DialogType.PARALLEL, DialogType.DEPENDENT, DialogType.CLARIFY)) {
            for (final DialogDraft d : dialogs(type, 600, 1.0, 9L)) {
                final JudgeResult verdict = judges.judge(AgentTask.JUDGE_HALLUCINATION, Fixtures.sample(d));
                final boolean injected = d.getFaults().contains(Fault.MODEL_HALLUCINATION.name());
                hallucinations += injected ? 1 : 0;
                assertThat(verdict.getPassed()).as("%s with %s: %s", d.getId(), d.getFaults(), verdict.getReason())
                        .isEqualTo(!injected);
                if (injected) {
                    assertThat(d.getTurns().get(verdict.getTurn()).getCalls()).isNotEmpty();
                }
            }
        }
        assertThat(hallucinations).isGreaterThan(50);
    }

    @Test
    void aboutTheConfiguredShareOfDialogsCarriesAFault() {
        final List<DialogDraft> all = new ArrayList<>();
        for (final DialogType type : DialogType.values()) {
            all.addAll(dialogs(type, 1000, 0.2, 3L));
        }
        final long faulty = all.stream().filter(d -> !d.getFaults().isEmpty()).count();
        // 5,000 dialogs at p = 0.2: the standard deviation of the share is 0.0057; 0.02 is 3.5 of them.
        assertThat(faulty / (double) all.size()).isBetween(0.18, 0.22);
        final Set<String> labels = new HashSet<>();
        EnumSet.allOf(Fault.class).forEach(f -> labels.add(f.name()));
        assertThat(all).allSatisfy(d -> assertThat(labels).containsAll(d.getFaults()));
        assertThat(all).allSatisfy(d -> assertThat(d.getFaults()).hasSizeLessThanOrEqualTo(1));
    }

    // ---- determinism and guards ---------------------------------------------------------------

    @Test
    void theSameDraftAndSeedGiveTheSameDialogAndAnotherSeedAnother() {
        for (final DialogType type : DialogType.values()) {
            final DialogDraft a = run(Fixtures.draft("same", type, 3, Fixtures.ALL, "", 0.6), 0.5, 42L);
            final DialogDraft b = run(Fixtures.draft("same", type, 3, Fixtures.ALL, "", 0.6), 0.5, 42L);
            final DialogDraft c = run(Fixtures.draft("same", type, 3, Fixtures.ALL, "", 0.6), 0.5, 43L);
            assertThat(b.getTurns()).isEqualTo(a.getTurns());
            assertThat(b.getFaults()).isEqualTo(a.getFaults());
            assertThat(c.getTurns()).isNotEqualTo(a.getTurns());
        }
    }

    @Test
    void repeatedSamplesOfOneAssistantActionAgreeOnTheirCalls() {
        final DialogAgents agents = new DialogAgents(new ProceduralSettings(0.3, 42L));
        for (int i = 0; i < 100; i++) {
            final DialogDraft d = Fixtures.draft("vote-" + i, DialogType.PARALLEL, 1, Fixtures.ALL, "", 0.5);
            new DialogDriver(agents).step(d);
            final List<FunctionCall> first = agents.assistantTurn(d, new SplittableRandom(1)).getTurn().getCalls();
            for (int sample = 2; sample < 5; sample++) {
                assertThat(agents.assistantTurn(d, new SplittableRandom(sample)).getTurn().getCalls()).isEqualTo(first);
            }
        }
    }

    @Test
    void anAgentRefusesATurnThatIsNotItsTurn() {
        final DialogAgents agents = new DialogAgents(ProceduralSettings.DEFAULTS);
        final DialogDraft d = Fixtures.draft("guard", DialogType.SINGLE, 1, Fixtures.ALL, "", 0.5);
        assertThatThrownBy(() -> agents.assistantTurn(d, new SplittableRandom(1)))
                .isInstanceOf(IllegalStateException.class).hasMessageContaining("expects a USER turn");
        final DialogDraft noTools = Fixtures.draft("bare", DialogType.SINGLE, 1, List.of(), "", 0.5);
        assertThatThrownBy(() -> agents.userTurn(noTools, new SplittableRandom(1)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("offers no tools");
    }

    @Test
    void theUserFollowsTheInstruction() {
        final DialogDriver driver = new DialogDriver(new DialogAgents(new ProceduralSettings(0, 42L)));
        for (int i = 0; i < 50; i++) {
            final DialogDraft more = Fixtures.draft("more-" + i, DialogType.PARALLEL, 1,
                    List.of(Fixtures.WEATHER, Fixtures.EXCHANGE, Fixtures.SHOPPING), "ask for more", 0.2);
            driver.run(more);
            assertThat(more.getTurns().get(1).getCalls()).hasSize(3);
            final DialogDraft literal = driver.run(Fixtures.draft("lit-" + i, DialogType.SINGLE, 1,
                    List.of(Fixtures.WEATHER), "be less literal", 0.5));
            assertThat(literal.getTurns().get(0).getText()).doesNotContain("retrieve the hourly weather forecast")
                    .contains("hourly forecast");
        }
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static List<DialogDraft> dialogs(final DialogType type, final int n, final double faultRate, final long seed) {
        final DialogDriver driver = new DialogDriver(new DialogAgents(new ProceduralSettings(faultRate, seed)));
        final SplittableRandom rnd = new SplittableRandom(seed * 31 + type.ordinal());
        final List<DialogDraft> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            final DialogDraft d = runUnlessRefused(driver, Fixtures.draft(type + "-" + seed + "-" + i, type,
                    1 + rnd.nextInt(3), tools(rnd), INSTRUCTIONS[rnd.nextInt(INSTRUCTIONS.length)], rnd.nextDouble()));
            if (d != null) {
                out.add(d);
            }
        }
        // Only a dependent request is ever refused, and only for tools that cannot link.
        assertThat(out).hasSizeGreaterThan(type == DialogType.DEPENDENT ? n / 2 : n - 1);
        return out;
    }

    /** The dialog run to its end, or null when the agents refuse it as the pipeline would reject it. */
    private static DialogDraft runUnlessRefused(final DialogDriver driver, final DialogDraft draft) {
        try {
            return driver.run(draft);
        } catch (final IllegalArgumentException refused) {
            assertThat(draft.getDialogType()).isEqualTo(DialogType.DEPENDENT);
            assertThat(refused).hasMessageContaining("cannot be dependent");
            return null;
        }
    }

    /** One to four of the fixture APIs. */
    private static List<ApiDefinition> tools(final SplittableRandom rnd) {
        final List<ApiDefinition> pool = new ArrayList<>(Fixtures.ALL);
        final List<ApiDefinition> out = new ArrayList<>();
        final int n = 1 + rnd.nextInt(4);
        for (int i = 0; i < n; i++) {
            out.add(pool.remove(rnd.nextInt(pool.size())));
        }
        return out;
    }

    private static DialogDraft run(final DialogDraft d, final double faultRate, final long seed) {
        return new DialogDriver(new DialogAgents(new ProceduralSettings(faultRate, seed))).run(d);
    }

    private static Set<JsonNode> leaves(final String json) {
        final Set<JsonNode> out = new HashSet<>();
        Json.leaves(Json.parse("json", json)).forEach(l -> out.add(l.value()));
        return out;
    }

    private static List<String> leafProse(final JsonNode value) {
        final List<String> out = new ArrayList<>();
        for (final Json.Leaf l : Json.leaves(value)) {
            if (l.value().isTextual() || l.value().isNumber()) {
                out.add(Json.prose(l.value()));
            }
        }
        return out;
    }

    private static int indexOf(final List<String> lines, final String part) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    private static ApiDefinition api(final DialogDraft d, final String name) {
        return d.getTools().stream().filter(a -> a.getName().equals(name)).findFirst().orElse(null);
    }

    /** Everything wrong with the dialog's calls: unknown names, undeclared or missing arguments, schema violations. */
    private static List<String> callProblems(final DialogDraft d) {
        final List<String> problems = new ArrayList<>();
        for (final Turn t : d.getTurns()) {
            for (final FunctionCall call : t.getCalls()) {
                final ApiDefinition api = api(d, call.getName());
                if (api == null) {
                    problems.add("unknown function " + call.getName());
                    continue;
                }
                final JsonNode schema = Json.parse("parameters", api.getParameters());
                final JsonNode arguments = Json.parse("arguments", call.getArguments());
                final Iterator<String> names = arguments.fieldNames();
                while (names.hasNext()) {
                    final String name = names.next();
                    if (!schema.path("properties").has(name)) {
                        problems.add(call.getName() + " has undeclared argument " + name);
                    }
                }
                problems.addAll(SchemaCheck.violations(schema, arguments));
            }
        }
        return problems;
    }

    /** Everything wrong with the tool turns: counts, names, schema violations. */
    private static List<String> resultProblems(final DialogDraft d) {
        final List<String> problems = new ArrayList<>();
        final List<Turn> turns = d.getTurns();
        for (int i = 0; i < turns.size(); i++) {
            if (turns.get(i).getRole() != Role.TOOL) {
                continue;
            }
            final List<FunctionCall> calls = turns.get(i - 1).getCalls();
            final List<ToolResult> results = turns.get(i).getResults();
            if (results.size() != calls.size()) {
                problems.add("turn " + i + " has " + results.size() + " results for " + calls.size() + " calls");
                continue;
            }
            for (int r = 0; r < results.size(); r++) {
                if (!results.get(r).getName().equals(calls.get(r).getName())) {
                    problems.add("result " + r + " of turn " + i + " is named " + results.get(r).getName());
                }
                final ApiDefinition api = api(d, results.get(r).getName());
                if (api != null) {
                    problems.addAll(SchemaCheck.violations(Json.parse("response", api.getResponse()),
                            Json.parse("result", results.get(r).getResults())));
                }
            }
        }
        return problems;
    }

    /** Whether the labelled fault is really in the dialog, checked from the content alone. */
    private boolean present(final Fault fault, final DialogDraft d) {
        switch (fault) {
            case CALL_UNKNOWN_FUNCTION:
                return anyCall(d, c -> api(d, c.getName()) == null);
            case CALL_MISSING_REQUIRED:
                return callProblems(d).stream().anyMatch(p -> p.contains("required property"));
            case CALL_UNKNOWN_PARAM:
                return callProblems(d).stream().anyMatch(p -> p.contains("undeclared argument"));
            case CALL_TYPE_MISMATCH:
                return callProblems(d).stream().anyMatch(p -> p.contains(": expected "));
            case CALL_CONSTRAINT_VIOLATION:
                return callProblems(d).stream().anyMatch(p -> p.contains("is not one of") || p.contains("above the maximum")
                        || p.contains("below the minimum"));
            case CONSIST_TOOL_NAME_MISMATCH:
                return resultProblems(d).stream().anyMatch(p -> p.contains(" is named "));
            case CONSIST_RESPONSE_COUNT:
                return resultProblems(d).stream().anyMatch(p -> p.contains(" results for "));
            case DIALOG_EMPTY_TURN:
                return d.getTurns().stream().anyMatch(t -> t.getRole() == Role.ASSISTANT && t.getCalls().isEmpty()
                        && t.getText() != null && t.getText().isEmpty());
            case MODEL_HALLUCINATION:
                return !judges.judge(AgentTask.JUDGE_HALLUCINATION, Fixtures.sample(d)).getPassed();
            default:
                return false;
        }
    }

    private static boolean anyCall(final DialogDraft d, final Predicate<FunctionCall> test) {
        return d.getTurns().stream().flatMap(t -> t.getCalls().stream()).anyMatch(test);
    }
}
