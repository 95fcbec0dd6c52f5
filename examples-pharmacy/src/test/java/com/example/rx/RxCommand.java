package com.example.rx;

import java.time.Instant;

public sealed interface RxCommand {
    record Prescribe(String drug, int quantity, Instant at) implements RxCommand {}

    record Dispense(int quantity, Instant at) implements RxCommand {}
}
