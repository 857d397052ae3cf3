package io.toolace.stream.verify;

import static io.toolace.stream.verify.Samples.json;
import static org.assertj.core.api.Assertions.assertThat;

import io.toolace.stream.format.ToolSpec;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Compiled tools are memoised by definition; what each sample is told stays as if compiled afresh. */
class CompiledToolCacheTest {

    private static final String PARAMS = "{\"type\": \"object\", \"properties\": {\"city\": {\"type\": \"string\"}}, \"required\": [\"city\"]}";

    @Test
    void theSameDefinitionReadTwiceCompilesOnce() {
        final ToolSpec first = new ToolSpec("Get Weather " + getClass().getName(), "Forecast.", json(PARAMS), null);
        final ToolSpec second = new ToolSpec(first.name(), "Forecast.", json(PARAMS), null);

        assertThat(ApiRules.compile(second, findings(RuleConfig.DEFAULTS)))
                .isSameAs(ApiRules.compile(first, findings(RuleConfig.DEFAULTS)));
    }

    @Test
    void anyChangeOfTheDefinitionIsAnotherTool() {
        final ToolSpec tool = new ToolSpec("Get Forecast", "Forecast.", json(PARAMS), null);
        final ApiRules.CompiledTool compiled = ApiRules.compile(tool, findings(RuleConfig.DEFAULTS));

        for (final ToolSpec changed : List.of(
                new ToolSpec("Get Forecast 2", "Forecast.", json(PARAMS), null),
                new ToolSpec("Get Forecast", "Forecast!", json(PARAMS), null),
                new ToolSpec("Get Forecast", "Forecast.", json(PARAMS.replace("\"string\"", "\"integer\"")), null),
                new ToolSpec("Get Forecast", "Forecast.", json(PARAMS.replace("\"required\": [\"city\"]", "\"required\": []")), null),
                new ToolSpec("Get Forecast", "Forecast.", json(PARAMS), json("{\"type\": \"object\"}")))) {
            assertThat(ApiRules.compile(changed, findings(RuleConfig.DEFAULTS))).as(changed.toString()).isNotSameAs(compiled);
        }
    }

    @Test
    void aCachedToolReportsItsProblemsUnderEachSamplesConfiguration() {
        final ToolSpec undescribed = new ToolSpec("Lookup " + getClass().getSimpleName(), "", json(PARAMS), null);
        final Findings withDefaults = findings(RuleConfig.DEFAULTS);
        final Findings withoutDescriptions = findings(RuleConfig.DEFAULTS.withDisabled(List.of(Rule.API_DESCRIPTION_MISSING)));

        ApiRules.compileAll(List.of(undescribed), withDefaults);
        ApiRules.compileAll(List.of(undescribed), withoutDescriptions);
        final Findings again = findings(RuleConfig.DEFAULTS);
        ApiRules.compileAll(List.of(undescribed), again);

        assertThat(withDefaults.failures()).extracting(Failure::rule).containsExactly(Rule.API_DESCRIPTION_MISSING.id());
        assertThat(withoutDescriptions.failures()).isEmpty();
        assertThat(again.failures()).isEqualTo(withDefaults.failures());
    }

    @Test
    void keysInAnotherOrderAreAnotherToolWhoseMessagesFollowItsOrder() {
        final String ab = "{\"type\": \"object\", \"properties\": {\"a b\": {\"type\": \"string\"}, \"c d\": {\"type\": \"string\"}}}";
        final String cd = "{\"type\": \"object\", \"properties\": {\"c d\": {\"type\": \"string\"}, \"a b\": {\"type\": \"string\"}}}";
        assertThat(json(ab)).as("Jackson's equality ignores key order").isEqualTo(json(cd));

        final Findings first = findings(RuleConfig.DEFAULTS);
        ApiRules.compile(new ToolSpec("spaced", "Two keys.", json(ab), null), first);
        final Findings second = findings(RuleConfig.DEFAULTS);
        ApiRules.compile(new ToolSpec("spaced", "Two keys.", json(cd), null), second);

        assertThat(first.failures()).singleElement().extracting(Failure::message).asString().contains("'a b', 'c d'");
        assertThat(second.failures()).singleElement().extracting(Failure::message).asString().contains("'c d', 'a b'");
    }

    @Test
    void aSchemaTooDeepToWalkSafelyIsCompiledWithoutAKey() {
        final String deep = "{\"type\": \"array\", \"items\": ".repeat(ToolKey.MAX_DEPTH) + "{\"type\": \"string\"}"
                + "}".repeat(ToolKey.MAX_DEPTH);
        final ToolSpec tool = new ToolSpec("deep", "Deep.", json("{\"type\": \"object\", \"properties\": {\"x\": " + deep + "}}"), null);

        assertThat(ToolKey.of(tool)).isNull();
        final Findings findings = findings(RuleConfig.DEFAULTS);
        ApiRules.compile(tool, findings);
        assertThat(findings.failures()).extracting(Failure::rule).containsExactly(Rule.API_SCHEMA_INVALID.id());
    }

    private static Findings findings(final RuleConfig config) {
        return new Findings(config);
    }
}
