package dev.verdict.spring.docs;

import dev.verdict.runtime.EntityHandle;
import dev.verdict.runtime.Outcome;
import dev.verdict.spring.docs.Rx.RxCommand;
import dev.verdict.spring.docs.Rx.RxEvent;
import dev.verdict.store.CommandContext;
import org.springframework.stereotype.Service;

// as in docs/spring-boot.md, "Traces" (package com.example.pharmacy there)
@Service
public class TracedDispensingService {
    private final EntityHandle<RxCommand, Rx, RxEvent> prescriptions;

    public TracedDispensingService(EntityHandle<RxCommand, Rx, RxEvent> prescriptions) {
        this.prescriptions = prescriptions;
    }

    /** Dispenses: the runtime's tracing interceptor gives the events the caller's trace (Verdict-Meta-traceparent). */
    public Outcome<Rx, RxEvent> dispense(String rxId, int quantity, String idempotencyKey) {
        return prescriptions.handle(
                rxId, new RxCommand.Dispense(quantity), CommandContext.withCommandId(idempotencyKey));
    }
}
