package dev.verdict.spring.docs;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;

// as in docs/spring-boot.md, "The application" (package com.example.pharmacy there)
@SpringBootApplication
public class PharmacyApplication {
    public static void main(String[] args) {
        SpringApplication.run(PharmacyApplication.class, args);
    }
}
