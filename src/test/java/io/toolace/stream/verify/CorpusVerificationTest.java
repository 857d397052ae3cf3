package io.toolace.stream.verify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.toolace.stream.format.BfclCorpus;
import io.toolace.stream.format.Corpora;
import io.toolace.stream.format.FunctionCall;
import io.toolace.stream.format.Message;
import io.toolace.stream.format.ReadResult;
import io.toolace.stream.format.SampleReader;
import io.toolace.stream.format.ToolSample;
import io.toolace.stream.format.ToolSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/** The rule layer on datasets written by others: BFCL v4 and ToolACE. */
class CorpusVerificationTest {

    private static final List<String> PYTHON = List.of("simple_python", "multiple", "parallel", "parallel_multiple");
    private static final List<String> CODE = List.of("simple_java", "simple_javascript");

    private final RuleVerifier verifier = new RuleVerifier(RuleConfig.DEFAULTS);

    /**
     * Python categories pass nearly all. The few failures are dataset quirks (a possible answer with a
     * boolean for a string, a value for a parameter the function lacks, strings for an integer list,
     * None for a float, a code expression for an array, required keys of a dict without properties).
     */
    @Test
    void bfclPythonAnswersPass() {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        int total = 0;
        int passed = 0;
        for (final String category : PYTHON) {
            final List<BfclCorpus.Case> cases = BfclCorpus.answered(category);
            final long categoryPassed = cases.stream().filter(c -> verifier.verify(c.sample()).isEmpty()).count();
            System.out.printf("BFCL %s: %d of %d pass%n", category, categoryPassed, cases.size());
            assertThat(categoryPassed).as(category).isGreaterThanOrEqualTo(Math.round(cases.size() * 0.97));
            total += cases.size();
            passed += (int) categoryPassed;
        }
        assertThat(passed).isGreaterThanOrEqualTo((int) Math.ceil(total * 0.99));
    }

    /**
     * BFCL's Java and JavaScript answers are source expressions: a variable name stands for a map or an
     * array ({@code "docFields"} for a HashMap). The verifier reads their type names and flags exactly
     * those values, plus one definition with an empty type name.
     */
    @Test
    void bfclJavaAndJavaScriptAnswersFailOnlyOnCodeExpressions() {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        for (final String category : CODE) {
            final List<BfclCorpus.Case> cases = BfclCorpus.answered(category);
            int passed = 0;
            for (final BfclCorpus.Case c : cases) {
                final List<Failure> failures = verifier.verify(c.sample());
                passed += failures.isEmpty() ? 1 : 0;
                assertThat(failures).as(c.id()).allSatisfy(f -> assertThat(
                        f.rule().equals(Rule.CALL_TYPE_MISMATCH.id()) && f.message().contains(", got string ")
                                || f.rule().equals(Rule.API_SCHEMA_INVALID.id()) && f.message().contains("unknown type ''")).isTrue());
            }
            System.out.printf("BFCL %s: %d of %d pass%n", category, passed, cases.size());
            assertThat(passed).as(category).isGreaterThanOrEqualTo(cases.size() * 4 / 5);
        }
    }

    @Test
    void bfclFunctionDefinitionsAreValidApis() {
        assumeTrue(BfclCorpus.present(), "BFCL corpus not present");
        final List<ToolSpec> tools = new ArrayList<>();
        for (final String category : concat(PYTHON, CODE, List.of("irrelevance"))) {
            tools.addAll(BfclCorpus.tools(category));
        }
        final List<Failure> failures = tools.stream().flatMap(t -> ApiRules.check(t).stream()).toList();

        System.out.printf("BFCL definitions: %d of %d valid%n", tools.size() - failures.size(), tools.size());
        assertThat(failures).extracting(Failure::rule).containsOnly(Rule.API_SCHEMA_INVALID.id());
        assertThat(failures.size()).isLessThan(tools.size() / 200);
    }

    @Test
    void theOriginalToolAceRecordPasses() {
        final ReadResult read = SampleReader.detecting().read(Corpora.lines(Corpora.TOOLACE_ORIGINAL).get(0));

        assertThat(verifier.verify(((ReadResult.Read) read).sample())).isEmpty();
    }

    /**
     * The LLaMA-Factory conversion kept only the last word of most call names ("Market Trends API"
     * became "API"): every call to an undeclared name must be flagged, and nothing else may be
     * flagged on calls whose names survived.
     */
    @Test
    void theShareGptConversionDefectsAreFlagged() {
        final List<ToolSample> samples = Corpora.lines(Corpora.SHAREGPT_FUNC).stream()
                .map(line -> ((ReadResult.Read) SampleReader.detecting().read(line)).sample()).toList();
        final Map<String, Integer> perRule = new TreeMap<>();
        int undeclaredCalls = 0;
        int unknownFunctionFailures = 0;
        int passed = 0;
        for (final ToolSample sample : samples) {
            final Set<String> declared = sample.tools().stream().map(ToolSpec::name).collect(Collectors.toSet());
            undeclaredCalls += (int) sample.messages().stream().flatMap(m -> m.calls().stream())
                    .filter(call -> !declared.contains(call.name())).count();
            final List<Failure> failures = verifier.verify(sample);
            passed += failures.isEmpty() ? 1 : 0;
            failures.forEach(f -> perRule.merge(f.rule(), 1, Integer::sum));
            unknownFunctionFailures += (int) failures.stream().filter(f -> f.rule().equals(Rule.CALL_UNKNOWN_FUNCTION.id())).count();
        }
        System.out.printf("ShareGPT conversion: %d of %d pass; failures per rule %s%n", passed, samples.size(), perRule);

        assertThat(undeclaredCalls).isPositive();
        assertThat(unknownFunctionFailures).isEqualTo(undeclaredCalls);
        assertThat(perRule).containsKeys(Rule.CONSIST_TOOL_NAME_MISMATCH.id(), Rule.DIALOG_EMPTY_TURN.id());
    }

    /**
     * With the mangled names mapped back to the one declared tool they end with, the conversion's other
     * defects surface: booleans turned into strings ("True") and the like.
     */
    @Test
    void repairedNamesExposeTheTypeDefects() {
        final List<ToolSample> repaired = Corpora.lines(Corpora.SHAREGPT_FUNC).stream()
                .map(line -> repairNames(((ReadResult.Read) SampleReader.detecting().read(line)).sample())).toList();
        final List<Failure> typeFailures = repaired.stream().flatMap(s -> verifier.verify(s).stream())
                .filter(f -> f.rule().equals(Rule.CALL_TYPE_MISMATCH.id())).toList();

        typeFailures.forEach(f -> System.out.println("after repair: " + f.message()));
        assertThat(typeFailures).anySatisfy(f -> assertThat(f.message()).contains("expected boolean, got string \"True\""));
    }

    private static ToolSample repairNames(final ToolSample sample) {
        final List<Message> messages = new ArrayList<>();
        for (final Message message : sample.messages()) {
            final List<FunctionCall> calls = message.calls().stream().map(call -> {
                final List<String> candidates = sample.tools().stream().map(ToolSpec::name)
                        .filter(name -> name.equals(call.name()) || name.endsWith(" " + call.name())).toList();
                return candidates.size() == 1 ? new FunctionCall(candidates.get(0), call.arguments()) : call;
            }).toList();
            messages.add(new Message(message.role(), message.text(), calls, message.results(), message.issue()));
        }
        return new ToolSample(sample.id(), sample.system(), sample.tools(), messages);
    }

    @SafeVarargs
    private static List<String> concat(final List<String>... lists) {
        final List<String> all = new ArrayList<>();
        for (final List<String> list : lists) {
            all.addAll(list);
        }
        return all;
    }
}
