/*
 * The linked vDSO (build/vdso/vdso64.so), carried in the kernel image byte
 * for byte (Linux: the generated vdso-image-64.c). VDSO.swift copies it
 * into the pages every process maps as [vdso].
 */
    .section .rodata.vdso, "a"
    .global vdso_image_start, vdso_image_end

    .balign 4096
vdso_image_start:
    .incbin VDSO_IMAGE
vdso_image_end:
