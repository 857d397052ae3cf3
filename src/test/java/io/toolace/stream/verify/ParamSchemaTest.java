package io.toolace.stream.verify;

import static io.toolace.stream.verify.Samples.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Type and constraint checking of argument values, in JSON Schema and in the BFCL/ToolACE dialect. */
class ParamSchemaTest {

    /** One reported problem: its rule and path. */
    private record Problem(Rule rule, String path, String message) {}

    @ParameterizedTest(name = "{0} accepts {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        // JSON Schema names
        "string        | \"x\"        | true",
        "string        | 1            | false",
        "integer       | 3            | true",
        "integer       | 12345678901  | true",
        "integer       | 3.0          | false",
        "integer       | true         | false",
        "integer       | \"3\"        | false",
        "number        | 3            | true",
        "number        | 3.5          | true",
        "number        | false        | false",
        "boolean       | false        | true",
        "boolean       | 0            | false",
        "boolean       | \"True\"     | false",
        "array         | [1]          | true",
        "array         | {}           | false",
        "object        | {}           | true",
        "object        | []           | false",
        "null          | null         | true",
        "string        | null         | false",
        // Python names (ToolACE, BFCL)
        "dict          | {\"a\": 1}   | true",
        "float         | 2            | true",
        "float         | 2.5          | true",
        "int           | 2.5          | false",
        "tuple         | [1, 2]       | true",
        "list          | [1, 2]       | true",
        "bool          | true         | true",
        "str           | \"x\"        | true",
        "any           | null         | true",
        "any           | {\"k\": [1]} | true",
        // Java and JavaScript names (BFCL)
        "String        | \"x\"        | true",
        "Boolean       | true         | true",
        "long          | 5            | true",
        "double        | 0.5          | true",
        "char          | \"c\"        | true",
        "HashMap       | {}           | true",
        "ArrayList     | [1]          | true",
        "Array         | \"arr\"      | false",
    })
    void typeNames(final String type, final String value, final boolean accepted) {
        assertThat(problems("{\"type\": \"" + type + "\"}", value)).as(type + " / " + value).hasSize(accepted ? 0 : 1);
    }

    @Test
    void typeListsAndNullable() {
        assertThat(problems("{\"type\": [\"string\", \"null\"]}", "null")).isEmpty();
        assertThat(problems("{\"type\": [\"string\", \"null\"]}", "\"x\"")).isEmpty();
        assertThat(problems("{\"type\": [\"string\", \"null\"]}", "1")).extracting(Problem::message)
                .containsExactly("expected string or null, got integer 1");
        assertThat(problems("{\"type\": \"integer\", \"nullable\": true}", "null")).isEmpty();
        assertThat(problems("{\"type\": [\"integer\", \"any\"]}", "\"x\"")).isEmpty();
    }

    @Test
    void checksNestedItemsAndKeys() {
        final String schema = """
                {"type": "dict", "properties": {
                  "points": {"type": "array", "items": {"type": "tuple", "items": [{"type": "float"}, {"type": "float"}]}},
                  "meta": {"type": "dict", "properties": {"tags": {"type": "list", "items": {"type": "string"}}},
                           "required": ["tags"], "additionalProperties": false}}}""";

        assertThat(problems(schema, "{\"points\": [[1, 2.5], [3, \"x\"]], \"meta\": {\"tags\": [\"a\", 2], \"extra\": 1}}"))
                .extracting(Problem::rule, Problem::path).containsExactly(
                        tuple(Rule.CALL_TYPE_MISMATCH, "arg.points[1][1]"),
                        tuple(Rule.CALL_TYPE_MISMATCH, "arg.meta.tags[1]"),
                        tuple(Rule.CALL_UNKNOWN_PARAM, "arg.meta.extra"));
        assertThat(problems(schema, "{\"meta\": {}}")).extracting(Problem::rule, Problem::path)
                .containsExactly(tuple(Rule.CALL_MISSING_REQUIRED, "arg.meta"));
        assertThat(problems(schema, "{\"meta\": {\"tags\": [], \"free\": \"nested objects are open unless closed\"}}"))
                .extracting(Problem::rule).containsExactly(Rule.CALL_UNKNOWN_PARAM);
        assertThat(problems("{\"type\": \"dict\", \"properties\": {\"a\": {\"type\": \"int\"}}}", "{\"b\": 1}")).isEmpty();
        assertThat(problems("{\"type\": \"dict\", \"additionalProperties\": {\"type\": \"int\"}}", "{\"b\": \"x\"}"))
                .extracting(Problem::path).containsExactly("arg.b");
    }

    @ParameterizedTest(name = "{0} on {1}: {2}")
    @CsvSource(delimiter = '|', value = {
        "{\"type\": \"string\", \"enum\": [\"a\", \"b\"]}               | \"b\"                    | true",
        "{\"type\": \"string\", \"enum\": [\"a\", \"b\"]}               | \"c\"                    | false",
        "{\"type\": \"number\", \"enum\": [1, 2]}                        | 1.0                      | true",
        "{\"const\": \"x\"}                                             | \"y\"                    | false",
        "{\"type\": \"string\", \"pattern\": \"^[A-Z]{3}$\"}             | \"EUR\"                  | true",
        "{\"type\": \"string\", \"pattern\": \"^[A-Z]{3}$\"}             | \"euro\"                 | false",
        "{\"type\": \"string\", \"pattern\": \"[0-9]\"}                  | \"abc1\"                 | true",
        "{\"type\": \"string\", \"format\": \"date\"}                    | \"2024-02-29\"           | true",
        "{\"type\": \"string\", \"format\": \"date\"}                    | \"2023-02-29\"           | false",
        "{\"type\": \"string\", \"format\": \"date\"}                    | \"01/28/2021\"           | false",
        "{\"type\": \"string\", \"format\": \"date-time\"}               | \"2024-05-01T10:00:00Z\" | true",
        "{\"type\": \"string\", \"format\": \"date-time\"}               | \"2024-05-01 10:00:00\"  | true",
        "{\"type\": \"string\", \"format\": \"date-time\"}               | \"2024-05-01\"           | false",
        "{\"type\": \"string\", \"format\": \"time\"}                    | \"25:00:00\"             | false",
        "{\"type\": \"string\", \"format\": \"email\"}                   | \"ann@example.org\"      | true",
        "{\"type\": \"string\", \"format\": \"email\"}                   | \"ann.example.org\"      | false",
        "{\"type\": \"string\", \"format\": \"uri\"}                     | \"https://x.org/a?b=1\"  | true",
        "{\"type\": \"string\", \"format\": \"uri\"}                     | \"/relative/path\"       | false",
        "{\"type\": \"string\", \"format\": \"uri\"}                     | \"http://bad host\"      | false",
        "{\"type\": \"string\", \"format\": \"uuid\"}                    | \"not-a-uuid\"           | false",
        "{\"type\": \"string\", \"format\": \"ipv4\"}                    | \"256.1.1.1\"            | false",
        "{\"type\": \"string\", \"format\": \"comma-separated\"}         | \"anything\"             | true",
        "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10}        | 10                       | true",
        "{\"type\": \"integer\", \"minimum\": 1, \"maximum\": 10}        | 0                        | false",
        "{\"type\": \"number\", \"exclusiveMaximum\": 10}                | 10                       | false",
        "{\"type\": \"number\", \"maximum\": 10, \"exclusiveMaximum\": true} | 10                   | false",
        "{\"type\": \"number\", \"exclusiveMinimum\": 0}                 | 0.001                    | true",
        "{\"type\": \"string\", \"minLength\": 2, \"maxLength\": 3}      | \"éé\"                   | true",
        "{\"type\": \"string\", \"maxLength\": 3}                        | \"abcd\"                 | false",
        "{\"type\": \"array\", \"minItems\": 1}                          | []                       | false",
        "{\"type\": \"array\", \"maxItems\": 2}                          | [1, 2, 3]                | false",
        "{\"anyOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", \"minimum\": 0}]} | -1          | false",
        "{\"oneOf\": [{\"type\": \"string\"}, {\"type\": \"integer\", \"minimum\": 0}]} | 5           | true",
        // Found by fuzzing: an infinite double (Jackson's reading of 1e999) in an enum or a value threw.
        "{\"const\": 1e999}                                           | 1                        | false",
        "{\"enum\": [1e999, 2]}                                       | 2.0                      | true",
        "{\"enum\": [1e999, 2]}                                       | 1e999                    | true",
        "{\"type\": \"number\", \"enum\": [1, 2]}                        | -1e999                   | false",
    })
    void constraints(final String schema, final String value, final boolean accepted) {
        final List<Problem> problems = problems(schema, value);

        assertThat(problems).as(schema + " / " + value).hasSize(accepted ? 0 : 1);
        assertThat(problems).allSatisfy(p -> assertThat(p.rule()).isIn(Rule.CALL_CONSTRAINT_VIOLATION, Rule.CALL_TYPE_MISMATCH));
    }

    @Test
    void theDialectsRequiredFormsAreUnderstood() {
        final String schema = """
                {"type": "dict", "required": null, "properties": {
                   "a": {"type": "string", "required": true},
                   "b": {"type": "string", "optional": true},
                   "c": {"type": "string"}},
                 "required": ["b", "c"]}""";
        final List<String> compileProblems = new ArrayList<>();

        final ParamSchema compiled = ParamSchema.compile(json(schema), "", compileProblems);

        assertThat(compileProblems).isEmpty();
        assertThat(compiled.required()).containsExactlyInAnyOrder("a", "c");
    }

    @Test
    void aBrokenSchemaIsReportedAndStillChecksWhatItCan() {
        final List<String> compileProblems = new ArrayList<>();
        final ParamSchema compiled = ParamSchema.compile(json("""
                {"type": "dict", "properties": {
                   "a": {"type": "strnig"}, "b": {"type": "integer", "minimum": "one"}, "c": 5,
                   "d": {"type": "string", "minLength": 5, "maxLength": 2}, "e": {"type": "array", "items": 3}},
                 "required": ["a", "z", 7]}"""), "", compileProblems);

        assertThat(compileProblems).containsExactly(
                "'a': unknown type 'strnig'",
                "'b': 'minimum' is string \"one\", expected a number",
                "'c': schema is integer 5, expected an object",
                "'d': minLength 5 is above maxLength 2",
                "'e[]': schema is integer 3, expected an object",
                "required 'z' is not a declared property",
                "'required' lists integer 7, expected property names");
        final List<Problem> problems = new ArrayList<>();
        compiled.properties().get("b").check(json("\"x\""), "b", (rule, path, message) -> problems.add(new Problem(rule, path, message)));
        assertThat(problems).extracting(Problem::rule).containsExactly(Rule.CALL_TYPE_MISMATCH);
    }

    /**
     * Found by fuzzing: Java's regex engine recurses once per repetition of a group, and a few
     * thousand characters overflowed the stack (a stream thread's death). On a small stack, the
     * pattern is still checked, both ways.
     */
    @Test
    void aPatternThatRepeatsAGroupIsCheckedOnALongValueWhateverTheStack() throws InterruptedException {
        final String schema = "{\"type\": \"string\", \"pattern\": \"^(a|b)*$\"}";
        final List<List<Problem>> found = new ArrayList<>();
        final Thread small = new Thread(null, () -> {
            found.add(problems(schema, "\"" + "ab".repeat(5_000) + "\""));
            found.add(problems(schema, "\"" + "ab".repeat(5_000) + "c\""));
        }, "small-stack", 256 * 1024);
        small.start();
        small.join();

        assertThat(found).hasSize(2);
        assertThat(found.get(0)).isEmpty();
        assertThat(found.get(1)).singleElement().satisfies(p -> assertThat(p.message()).contains("does not match the pattern ^(a|b)*$"));
    }

    /** Found by fuzzing: the e-mail format was a regex with a repeated group, and a long domain overflowed the stack. */
    @Test
    void anEmailWithThousandsOfDomainLabelsIsChecked() {
        final String email = "{\"type\": \"string\", \"format\": \"email\"}";

        assertThat(problems(email, "\"a@b" + ".c".repeat(20_000) + "\"")).isEmpty();
        assertThat(problems(email, "\"a@b" + ".c".repeat(20_000) + ".\"")).extracting(Problem::message).singleElement().asString()
                .endsWith("is not a valid email");
        for (final String bad : List.of("a@b", "@b.c", "a@.b", "a@b..c", "a b@c.d", "a@b@c.d", "a@b.c\\t")) {
            assertThat(problems(email, "\"" + bad + "\"")).as(bad).hasSize(1);
        }
    }

    /** A search that would take time quadratic in the value, or a value too long for a repeated group, is reported unchecked. */
    @Test
    void aPatternSearchBeyondTheVerifiersLimitsIsReportedUnchecked() {
        final String noAt = "\"" + "a".repeat(200_000) + "\"";
        final String tooLong = "\"" + "ab".repeat(SchemaPattern.MAX_REPEATED_GROUP_INPUT) + "\"";

        assertThat(problems("{\"type\": \"string\", \"pattern\": \".*@.*\"}", noAt)).singleElement().satisfies(p -> {
            assertThat(p.rule()).isEqualTo(Rule.CALL_CONSTRAINT_VIOLATION);
            assertThat(p.message()).isEqualTo("has 200000 characters, too many to check against the pattern .*@.* within the verifier's limits");
        });
        assertThat(problems("{\"type\": \"string\", \"pattern\": \"^(a|b)*$\"}", tooLong)).extracting(Problem::message)
                .singleElement().asString().startsWith("has 200000 characters, too many to check");
    }

    private static List<Problem> problems(final String schema, final String value) {
        final List<String> compileProblems = new ArrayList<>();
        final ParamSchema compiled = ParamSchema.compile(json(schema), "", compileProblems);
        assertThat(compileProblems).as("schema " + schema).isEmpty();
        final List<Problem> problems = new ArrayList<>();
        final JsonNode parsed = json(value);
        compiled.check(parsed, "arg", (rule, path, message) -> problems.add(new Problem(rule, path, message)));
        return problems;
    }
}
