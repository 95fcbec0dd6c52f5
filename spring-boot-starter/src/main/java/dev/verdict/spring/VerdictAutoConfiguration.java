package dev.verdict.spring;

import dev.verdict.projection.ProjectionRunner;
import dev.verdict.runtime.CommandInterceptor;
import dev.verdict.runtime.CommandRuntime;
import dev.verdict.runtime.ConflictRetryPolicy;
import dev.verdict.runtime.RuntimeMetrics;
import dev.verdict.store.CommandIndex;
import dev.verdict.store.EventStore;
import dev.verdict.store.SnapshotStore;
import dev.verdict.store.StoreName;
import dev.verdict.store.nats.NatsCommandIndex;
import dev.verdict.store.nats.NatsEventStore;
import dev.verdict.store.nats.NatsEventStoreConfig;
import dev.verdict.store.nats.NatsSnapshotStore;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of Verdict on NATS: the connection, the event and snapshot stores, the optional command-id index,
 * the {@link CommandRuntime}, an {@code EntityHandle} per {@code Registration} bean and the {@link ProjectionRunners}.
 * Every bean backs off when the application declares its own of the same type.
 *
 * <p>Beans: {@link Connection} (closed with the context, only when the starter opened it), {@link NatsEventStoreConfig},
 * {@link NatsEventStore} (as {@link EventStore}), {@link NatsSnapshotStore} (as {@link SnapshotStore}, unless {@code
 * verdict.store.snapshots=false}), {@link NatsCommandIndex} (as {@link CommandIndex}, unless {@code
 * verdict.command-index.enabled=false}), {@link CommandRuntime} (closed with the context), {@link ProjectionRunners}.
 */
@AutoConfiguration
@ConditionalOnClass({CommandRuntime.class, Connection.class})
@EnableConfigurationProperties(VerdictProperties.class)
public class VerdictAutoConfiguration {

    /**
     * The NATS connection from {@code verdict.nats.*}: reconnects forever by default, strict subject validation (the
     * options docs/operations.md recommends); closed with the context. The first connect is not retried: an
     * unreachable server fails the start, with an {@code IOException} whose message masks the URL's credentials.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public Connection verdictNatsConnection(VerdictProperties properties) throws IOException, InterruptedException {
        VerdictProperties.Nats nats = properties.getNats();
        Options.Builder options = Options.builder()
                .servers(nats.getUrl().split("\\s*,\\s*"))
                .connectionName(nats.getConnectionName())
                .connectionTimeout(nats.getConnectionTimeout())
                .reconnectWait(nats.getReconnectWait())
                .maxReconnects(nats.getMaxReconnects())
                .subjectValidationType(Options.SubjectValidationType.Strict);
        if (!nats.getUsername().isEmpty()) {
            options.userInfo(nats.getUsername(), nats.getPassword());
        }
        if (!nats.getToken().isEmpty()) {
            options.token(nats.getToken().toCharArray());
        }
        if (!nats.getCredentials().isEmpty()) {
            options.authHandler(Nats.credentials(Path.of(nats.getCredentials()).toString()));
        }
        try {
            return Nats.connect(options.build());
        } catch (IOException e) {
            // jnats names the servers with their user info (nats://user:password@host): mask it, and leave the
            // original exception out, so that Spring's failure report cannot print the password
            throw new IOException("cannot connect to NATS at " + masked(nats.getUrl()) + ": "
                    + masked(String.valueOf(e.getMessage())));
        }
    }

    /** The text with the user info of every URL in it masked: {@code nats://app:***@host}, {@code nats://***@host}. */
    static String masked(String text) {
        return text.replaceAll("(\\w+://[^:/@\\s,\\]]+):[^@\\s,\\]]*@", "$1:***@")
                .replaceAll("(\\w+://)[^:/@\\s,\\]*]+@", "$1***@");
    }

    /**
     * The store's configuration from {@code verdict.store.*} and {@code verdict.command-index.*}.
     *
     * @throws IllegalStateException when {@code verdict.store.name} is not set
     */
    @Bean
    @ConditionalOnMissingBean
    public NatsEventStoreConfig verdictStoreConfig(VerdictProperties properties) {
        VerdictProperties.Store store = properties.getStore();
        if (store.getName().isBlank()) {
            throw new IllegalStateException("verdict.store.name is not set: name the event store (the stream's name and"
                    + " the first token of every event subject), e.g. verdict.store.name=pharmacy");
        }
        NatsEventStoreConfig.Builder builder = NatsEventStoreConfig.builder()
                .storeName(StoreName.of(store.getName()))
                .replicas(store.getReplicas())
                .duplicateWindow(store.getDuplicateWindow())
                .provision(store.isProvision())
                .denyDelete(store.isDenyDelete())
                .denyPurge(store.isDenyPurge())
                .requestTimeout(store.getRequestTimeout())
                .commandRetention(properties.getCommandIndex().getRetention());
        if (store.getSnapshotReplicas() > 0) {
            builder.snapshotReplicas(store.getSnapshotReplicas());
        }
        if (properties.getCommandIndex().getReplicas() > 0) {
            builder.commandReplicas(properties.getCommandIndex().getReplicas());
        }
        return builder.build();
    }

    /**
     * The event store: provisions (or verifies) the stream at start-up. A stream that exists with another
     * configuration fails the start with {@code StoreMisconfigured} naming every difference.
     */
    @Bean
    @ConditionalOnMissingBean(EventStore.class)
    public NatsEventStore verdictEventStore(Connection connection, NatsEventStoreConfig config) {
        return NatsEventStore.create(connection, config);
    }

    /**
     * The start-up check of the event schemas against the store's schema bucket, and their publication (see {@link
     * EventSchemaCheck}), unless {@code verdict.store.schemas=false}.
     */
    @Bean
    @ConditionalOnProperty(prefix = "verdict.store", name = "schemas", matchIfMissing = true)
    public EventSchemaCheck verdictEventSchemaCheck(
            Connection connection,
            NatsEventStoreConfig config,
            ObjectProvider<dev.verdict.runtime.Registration<?, ?, ?>> registrations) {
        return new EventSchemaCheck(connection, config, registrations);
    }

    /** The snapshot store (KV bucket {@code <store>-snapshots}), unless {@code verdict.store.snapshots=false}. */
    @Bean
    @ConditionalOnMissingBean(SnapshotStore.class)
    @ConditionalOnProperty(prefix = "verdict.store", name = "snapshots", matchIfMissing = true)
    public NatsSnapshotStore verdictSnapshotStore(Connection connection, NatsEventStoreConfig config) {
        return NatsSnapshotStore.create(connection, config);
    }

    /** The command-id index (KV bucket {@code <store>-commands}), unless {@code verdict.command-index.enabled=false}. */
    @Bean
    @ConditionalOnMissingBean(CommandIndex.class)
    @ConditionalOnProperty(prefix = "verdict.command-index", name = "enabled", matchIfMissing = true)
    public NatsCommandIndex verdictCommandIndex(Connection connection, NatsEventStoreConfig config) {
        return NatsCommandIndex.create(connection, config);
    }

    /**
     * The command runtime over the event store (wrapped by the {@link EventStoreDecorator} beans, e.g. the store
     * meters), with the snapshot store, command-id index and metrics when present, and every {@link CommandInterceptor}
     * bean around its commands (in their order; e.g. the starter's tracing).
     * Closed with the context, after the projection runners stopped: queued snapshots are written and commands running
     * on its async executor finish.
     */
    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    public CommandRuntime verdictCommandRuntime(
            EventStore store,
            ObjectProvider<SnapshotStore> snapshots,
            ObjectProvider<CommandIndex> commandIndex,
            ObjectProvider<RuntimeMetrics> metrics,
            ObjectProvider<CommandInterceptor> interceptors,
            ObjectProvider<EventStoreDecorator> decorators,
            VerdictProperties properties) {
        VerdictProperties.Runtime runtime = properties.getRuntime();
        EventStore decorated = store;
        for (EventStoreDecorator decorator : decorators.orderedStream().collect(Collectors.toList())) {
            decorated = java.util.Objects.requireNonNull(decorator.decorate(decorated), "decorated store");
        }
        CommandRuntime.Builder builder = CommandRuntime.builder(decorated)
                .asyncThreads(runtime.getAsyncThreads())
                .retryPolicy(ConflictRetryPolicy.defaults().withMaxAttempts(runtime.getMaxAttempts()));
        if (runtime.isCache()) {
            builder.cacheSize(runtime.getCacheSize());
        } else {
            builder.withoutCache();
        }
        snapshots.ifAvailable(builder::snapshots);
        commandIndex.ifAvailable(builder::commandIndex);
        metrics.ifAvailable(builder::metrics);
        interceptors.orderedStream().forEach(builder::interceptor);
        return builder.build();
    }

    /** Registers an {@code EntityHandle} bean for every {@code Registration} bean (see {@link EntityHandleRegistrar}). */
    @Bean
    static EntityHandleRegistrar verdictEntityHandleRegistrar() {
        return new EntityHandleRegistrar();
    }

    /** The runners of every {@link VerdictProjection} bean and every {@link ProjectionRunner} bean. */
    @Bean
    @ConditionalOnMissingBean
    public ProjectionRunners verdictProjectionRunners(
            Connection connection,
            ObjectProvider<VerdictProjection<?>> projections,
            ObjectProvider<ProjectionRunner<?>> runners,
            ObjectProvider<ProjectionDecorator> decorators,
            VerdictProperties properties) {
        return new ProjectionRunners(
                connection,
                projections.orderedStream().collect(Collectors.toList()),
                runners.orderedStream().collect(Collectors.toList()),
                decorators.orderedStream().collect(Collectors.toList()),
                properties.getProjections().isAutoStartup());
    }
}
