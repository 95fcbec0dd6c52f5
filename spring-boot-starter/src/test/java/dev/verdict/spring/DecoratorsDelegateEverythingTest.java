package dev.verdict.spring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.projection.Projection;
import dev.verdict.spring.metrics.MeteredEventStore;
import dev.verdict.spring.tracing.TracedProjection;
import dev.verdict.store.EventStore;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The starter's decorators wrap the application's store and projections, so each must override every method of the
 * interface – also the default ones: a default left in place silently replaces the wrapped object's own behaviour
 * (a metered store that cannot append across entities, a traced projection that no longer applies batches).
 */
class DecoratorsDelegateEverythingTest {

    @Test
    void theMeteredStoreOverridesEveryMethodOfEventStore() {
        // readAll is a convenience defined by read: inherited, it goes through the metered read
        assertThat(notOverridden(EventStore.class, MeteredEventStore.class))
                .containsExactly("public default java.util.List dev.verdict.store.EventStore.readAll("
                        + "dev.verdict.store.EntityRef,dev.verdict.store.ReadRange)");
    }

    @Test
    void theTracedProjectionOverridesEveryMethodOfProjection() {
        assertThat(notOverridden(Projection.class, TracedProjection.class)).isEmpty();
    }

    private static List<String> notOverridden(Class<?> api, Class<?> decorator) {
        List<String> missing = new ArrayList<>();
        for (Method method : api.getMethods()) {
            if (Modifier.isStatic(method.getModifiers())) {
                continue;
            }
            try {
                Method own = decorator.getMethod(method.getName(), method.getParameterTypes());
                if (own.getDeclaringClass() != decorator) {
                    missing.add(method.toString());
                }
            } catch (NoSuchMethodException e) {
                missing.add(method.toString());
            }
        }
        return missing;
    }
}
