package io.toolace.stream.kafka.registry;

import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.util.ClassSecurityValidator;

/**
 * Avro (1.12.1+) loads a class named in a schema only when it is trusted, so that a schema from
 * outside cannot make a reader instantiate arbitrary classes. Trusted here are exactly the
 * generated classes of schemas compiled into this program, never names that a writer schema from
 * the registry brings along.
 *
 * <p>Not only readers need it: a generated builder resolves default values of record and array
 * fields through the same class lookup, so {@code Turn.newBuilder()...build()} fails with
 * "Forbidden io.toolace.stream.records.FunctionCall!" until the type is trusted. Each
 * {@link AvroSerde} trusts its own record's types; code that builds records before any serde
 * exists calls {@link #trustNamedTypesOf} first (once per top-level schema is enough).
 */
public final class TrustedClasses {

    private static final Set<String> NAMES = ConcurrentHashMap.newKeySet();

    static {
        // Added to whatever the process trusts already (Avro's defaults, its system properties).
        ClassSecurityValidator.setGlobal(ClassSecurityValidator.composite(
                ClassSecurityValidator.getGlobal(), clazz -> NAMES.contains(clazz.getName())));
    }

    private TrustedClasses() {}

    /** Trusts the classes generated for every record, enum and fixed type that {@code schema} contains. */
    public static void trustNamedTypesOf(final Schema schema) {
        collect(schema, new HashSet<>());
    }

    private static void collect(final Schema schema, final Set<String> seen) {
        switch (schema.getType()) {
            case RECORD -> {
                if (seen.add(schema.getFullName())) {
                    NAMES.add(SpecificData.getClassName(schema));
                    schema.getFields().forEach(field -> collect(field.schema(), seen));
                }
            }
            case ENUM, FIXED -> {
                if (seen.add(schema.getFullName())) {
                    NAMES.add(SpecificData.getClassName(schema));
                }
            }
            case ARRAY -> collect(schema.getElementType(), seen);
            case MAP -> collect(schema.getValueType(), seen);
            case UNION -> schema.getTypes().forEach(branch -> collect(branch, seen));
            default -> {
                // Primitive types name no class.
            }
        }
    }
}
