package io.toolace.stream.llm.procedural.sdg;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.SplittableRandom;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

class ValueForgeTest {

    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;
    private static final List<String> NAMES = List.of("city", "departure_date", "order_id", "email", "query", "limit",
            "price", "age", "tags", "passengers", "currency", "latitude", "x", "value", "items", "start_time");

    @Property(tries = 1000)
    void everyValueConformsToItsSchema(@ForAll("schemas") final JsonNode schema, @ForAll final long seed) {
        final SplittableRandom rnd = new SplittableRandom(seed);
        final String name = NAMES.get(rnd.nextInt(NAMES.size()));
        final JsonNode value = ValueForge.value(name, schema, rnd.nextDouble(), rnd);
        assertThat(SchemaCheck.violations(schema, value)).as("%s for %s", value, schema).isEmpty();
    }

    @Test
    void namesHintAtRealisticValues() {
        final SplittableRandom rnd = new SplittableRandom(1);
        final JsonNode string = schema("{\"type\":\"string\"}");
        for (int i = 0; i < 20; i++) {
            assertThat(Lexicon.CITIES).contains(ValueForge.value("city", string, 1, rnd).asText());
            assertThat(ValueForge.value("departure_date", string, 1, rnd).asText()).matches("\\d{4}-\\d{2}-\\d{2}");
            assertThat(ValueForge.value("order_id", string, 1, rnd).asText()).matches("ORD-\\d{5}");
            assertThat(ValueForge.value("contactEmail", string, 1, rnd).asText()).matches("[a-z]+\\.[a-z]+@example\\.com");
            assertThat(ValueForge.value("origin", schema("{\"type\":\"string\",\"pattern\":\"^[A-Z]{3}$\"}"), 1, rnd).asText())
                    .isIn(Lexicon.AIRPORTS);
            assertThat(ValueForge.value("age", schema("{\"type\":\"integer\"}"), 1, rnd).asInt()).isBetween(18, 80);
            assertThat(ValueForge.value("age", schema("{\"type\":\"int\",\"maximum\":10}"), 1, rnd).asInt()).isBetween(-90, 10);
        }
    }

    @Test
    void theBfclDialectIsUnderstood() {
        final SplittableRandom rnd = new SplittableRandom(2);
        final JsonNode v = ValueForge.value("x", schema("""
                {"type":"dict","properties":{"n":{"type":"int"},"f":{"type":"float"},"b":{"type":"bool"},
                 "l":{"type":"list","items":{"type":"String"}},"t":{"type":"tuple","items":[{"type":"int"},{"type":"str"}]},
                 "a":{"type":"any"}},"required":["n","f","b","l","t","a"]}"""), 1, rnd);
        assertThat(v.get("n").isIntegralNumber()).isTrue();
        assertThat(v.get("f").isNumber()).isTrue();
        assertThat(v.get("b").isBoolean()).isTrue();
        assertThat(v.get("l").isArray()).isTrue();
        assertThat(v.get("l").get(0).isTextual()).isTrue();
        assertThat(v.get("t").size()).isEqualTo(2);
        assertThat(v.get("t").get(0).isIntegralNumber()).isTrue();
        assertThat(v.has("a")).isTrue();
    }

    @Test
    void anUnsatisfiableSchemaFailsNamingTheProperty() {
        assertThatThrownBy(() -> ValueForge.value("count", schema("{\"type\":\"integer\",\"enum\":[\"a\"]}"), 1,
                new SplittableRandom(1))).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("'count'");
        assertThatThrownBy(() -> ValueForge.value("code", schema("{\"type\":\"string\",\"pattern\":\"^(a|b)$\"}"), 1,
                new SplittableRandom(1))).hasMessageContaining("groups and alternation");
    }

    private static JsonNode schema(final String json) {
        return Json.parse("schema", json);
    }

    // ---- random schemas -----------------------------------------------------------------------

    @Provide
    Arbitrary<JsonNode> schemas() {
        return schema(3);
    }

    private Arbitrary<JsonNode> schema(final int depth) {
        final Arbitrary<JsonNode> scalar = Arbitraries.oneOf(strings(), integers(), numbers(), booleans());
        if (depth == 0) {
            return scalar;
        }
        return Arbitraries.frequencyOf(
                net.jqwik.api.Tuple.of(4, scalar),
                net.jqwik.api.Tuple.of(1, array(depth - 1)),
                net.jqwik.api.Tuple.of(1, object(depth - 1)));
    }

    private Arbitrary<JsonNode> strings() {
        return Arbitraries.longs().map(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final ObjectNode s = NODES.objectNode().put("type", r.nextBoolean() ? "string" : "str");
            switch (r.nextInt(5)) {
                case 0:
                    s.put("format", List.of("date", "date-time", "time", "email", "uri", "uuid", "ipv4", "hostname").get(r.nextInt(8)));
                    break;
                case 1:
                    s.put("pattern", List.of("^[A-Z]{3}$", "^[A-Z]{2}\\d{3,4}$", "^[a-z0-9_-]{3,16}$", "\\d+", "^#[0-9a-f]{6}$").get(r.nextInt(5)));
                    break;
                case 2:
                    final ArrayNode options = s.putArray("enum");
                    for (int i = 0; i <= r.nextInt(4); i++) {
                        options.add("option" + i);
                    }
                    break;
                case 3:
                    final int min = r.nextInt(8);
                    s.put("minLength", min).put("maxLength", min + r.nextInt(20));
                    break;
                default:
                    break;
            }
            return s;
        });
    }

    private Arbitrary<JsonNode> integers() {
        return Arbitraries.longs().map(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final ObjectNode s = NODES.objectNode().put("type", List.of("integer", "int", "long").get(r.nextInt(3)));
            final long lo = r.nextLong(-1000, 1000);
            if (r.nextBoolean()) {
                s.put("minimum", lo);
            }
            if (r.nextBoolean()) {
                s.put("maximum", lo + r.nextInt(0, 500));
            }
            if (r.nextInt(4) == 0) {
                s.put("exclusiveMinimum", lo - 1);
            }
            if (r.nextInt(6) == 0) {
                s.put("multipleOf", 5).put("minimum", 0).put("maximum", 1000);
            }
            return s;
        });
    }

    private Arbitrary<JsonNode> numbers() {
        return Arbitraries.longs().map(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final ObjectNode s = NODES.objectNode().put("type", r.nextBoolean() ? "number" : "float");
            final double lo = r.nextInt(-100, 100) / 4.0;
            if (r.nextBoolean()) {
                s.put("minimum", lo);
            }
            if (r.nextBoolean()) {
                s.put("maximum", lo + r.nextInt(1, 100));
                if (r.nextBoolean()) {
                    s.put("exclusiveMaximum", true);
                }
            }
            return s;
        });
    }

    private Arbitrary<JsonNode> booleans() {
        return Arbitraries.of("boolean", "bool").map(t -> NODES.objectNode().put("type", t));
    }

    private Arbitrary<JsonNode> array(final int depth) {
        return schema(depth).flatMap(items -> Arbitraries.integers().between(0, 3).map(min -> {
            final ObjectNode s = NODES.objectNode().put("type", min % 2 == 0 ? "array" : "list");
            s.set("items", items);
            if (min > 0) {
                s.put("minItems", min).put("maxItems", min + 2);
            }
            return s;
        }));
    }

    private Arbitrary<JsonNode> object(final int depth) {
        return schema(depth).list().ofMaxSize(4).flatMap(properties -> Arbitraries.longs().map(seed -> {
            final SplittableRandom r = new SplittableRandom(seed);
            final ObjectNode s = NODES.objectNode().put("type", r.nextBoolean() ? "object" : "dict");
            final ObjectNode props = s.putObject("properties");
            final ArrayNode required = s.putArray("required");
            for (int i = 0; i < properties.size(); i++) {
                final String name = NAMES.get(r.nextInt(NAMES.size())) + i;
                props.set(name, properties.get(i));
                if (r.nextBoolean()) {
                    required.add(name);
                }
            }
            if (r.nextInt(3) == 0) {
                s.put("additionalProperties", false);
            }
            return s;
        }));
    }
}
