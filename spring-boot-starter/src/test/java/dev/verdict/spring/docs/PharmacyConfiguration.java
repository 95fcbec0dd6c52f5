package dev.verdict.spring.docs;

import dev.verdict.decider.View;
import dev.verdict.projection.SubjectFilter;
import dev.verdict.projection.ViewProjection;
import dev.verdict.runtime.Registration;
import dev.verdict.runtime.SnapshotPolicy;
import dev.verdict.spring.VerdictProjection;
import dev.verdict.spring.docs.Rx.RxCommand;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.store.Category;
import dev.verdict.store.StoreName;
import dev.verdict.store.codec.JsonEventCodec;
import dev.verdict.store.codec.JsonStateCodec;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

// as in docs/spring-boot.md, "Declare the decider and a projection" (package com.example.pharmacy there)
@Configuration(proxyBeanMethods = false)
public class PharmacyConfiguration {

    /** The decider, its category and codecs: the starter registers it and provides an EntityHandle bean. */
    @Bean
    Registration<RxCommand, Rx, RxEvent> prescriptions() {
        return Registration.of("prescription", Rx.DECIDER, JsonEventCodec.of(RxEvent.class))
                .withStateCodec(JsonStateCodec.of(Rx.class)) // snapshots in KV
                .withSnapshotPolicy(SnapshotPolicy.everyEvents(100));
    }

    /** An in-memory read model: every instance keeps its own copy (an ephemeral consumer). */
    @Bean
    ViewProjection<Integer, RxEvent> dispensedTotal() {
        return ViewProjection.of(
                "dispensed-total", View.of(0, (total, event) -> total + ((RxEvent.Dispensed) event).quantity()));
    }

    /** What the starter runs: the projection, the subjects it reads, their codec and the runner's options. */
    @Bean
    VerdictProjection<RxEvent> dispensedTotalRunner(ViewProjection<Integer, RxEvent> dispensedTotal) {
        return VerdictProjection.of(
                        dispensedTotal,
                        SubjectFilter.category(StoreName.of("pharmacy"), Category.of("prescription")),
                        JsonEventCodec.of(RxEvent.class))
                .withOptions(runner -> runner.ephemeral());
    }
}
