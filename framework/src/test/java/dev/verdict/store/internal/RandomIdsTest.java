package dev.verdict.store.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.verdict.store.CommandContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class RandomIdsTest {

    @Test
    void producesVersion4IetfVariantUuids() {
        for (int i = 0; i < 1000; i++) { // crosses several refills of a source's buffer
            UUID id = UUID.fromString(RandomIds.next());
            assertThat(id.version()).isEqualTo(4);
            assertThat(id.variant()).isEqualTo(2);
        }
    }

    @Test
    void doesNotRepeatItselfAcrossThreads() throws InterruptedException {
        Set<String> ids = ConcurrentHashMap.newKeySet();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
            threads.add(new Thread(() -> {
                for (int i = 0; i < 25_000; i++) {
                    ids.add(RandomIds.next());
                }
            }));
        }
        threads.forEach(Thread::start);
        for (Thread t : threads) {
            t.join();
        }
        assertThat(ids).hasSize(200_000);
    }

    @Test
    void createdContextsCarryThem() {
        CommandContext a = CommandContext.create();
        CommandContext b = CommandContext.create();
        assertThat(UUID.fromString(a.commandId()).version()).isEqualTo(4);
        assertThat(a.commandId()).isNotEqualTo(b.commandId());
        assertThat(a.correlationId()).isEqualTo(a.commandId());
    }
}
