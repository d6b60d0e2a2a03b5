/*
 * The textbook module for the modules self-test (ModuleTests.swift): the
 * SDK builds build/ko/hello-c/hello.ko (tools/module-sdk/sdk.mk), included
 * here byte for byte.
 */
    .section .rodata.module_images, "a"
    .global hello_ko_start, hello_ko_end

    .balign 16
hello_ko_start:
    .incbin HELLO_KO
hello_ko_end:
