package io.toolace.stream.format;

import net.jqwik.api.lifecycle.AroundPropertyHook;
import net.jqwik.api.lifecycle.PropagationMode;
import net.jqwik.api.lifecycle.PropertyExecutionResult;
import net.jqwik.api.lifecycle.PropertyExecutor;
import net.jqwik.api.lifecycle.PropertyLifecycleContext;

/**
 * Scales the tries of the fuzz properties by the system property {@value #SCALE} (default 1). The
 * tries written on each property keep the whole fuzz suite within about half a minute on CI; a
 * longer hunt runs the same properties with, e.g., {@code -Dtoolace.fuzz.scale=50}.
 *
 * <p>Applied with {@code @AddLifecycleHook(FuzzBudget.class)} on a fuzz test class.
 */
public final class FuzzBudget implements AroundPropertyHook {

    public static final String SCALE = "toolace.fuzz.scale";

    @Override
    public PropertyExecutionResult aroundProperty(final PropertyLifecycleContext context, final PropertyExecutor property) {
        final int scale = Integer.getInteger(SCALE, 1);
        if (scale > 1) {
            // An example is one try, whatever the scale.
            context.attributes().tries().filter(tries -> tries > 1)
                    .ifPresent(tries -> context.attributes().setTries(Math.multiplyExact(tries, scale)));
        }
        return property.execute();
    }

    /** Added to a class, the hook is for the properties in it. */
    @Override
    public PropagationMode propagateTo() {
        return PropagationMode.DIRECT_DESCENDANTS;
    }
}
