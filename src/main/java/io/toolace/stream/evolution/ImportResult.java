package io.toolace.stream.evolution;

import io.toolace.stream.records.ApiDefinition;
import io.toolace.stream.records.SeedDocument;
import java.util.List;

/**
 * What reading one seed file gave: a document for {@code api.seeds} with the real APIs it defines
 * (none for prose), or the one-line reason it could not be imported.
 */
public sealed interface ImportResult {

    /**
     * A readable file.
     *
     * @param seed the document speciation mines, keyed by its id
     * @param apis the operations of an OpenAPI / Swagger spec as real APIs, in spec order; empty for prose
     * @param warnings what was left out or approximated (an external {@code $ref}, an invalid pattern, ...)
     */
    record Imported(SeedDocument seed, List<ApiDefinition> apis, List<String> warnings) implements ImportResult {
        public Imported {
            apis = List.copyOf(apis);
            warnings = List.copyOf(warnings);
        }
    }

    /** A file that cannot be imported; {@code reason} says what is wrong, without the file name. */
    record Failed(String reason) implements ImportResult {}
}
