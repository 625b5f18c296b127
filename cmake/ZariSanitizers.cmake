# ZARI_SANITIZE="address,undefined" or "thread": applied to every target.
if(ZARI_SANITIZE)
  add_compile_options(-fsanitize=${ZARI_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ZARI_SANITIZE})
endif()

# ZARI_FUZZ: coverage instrumentation for libFuzzer everywhere; the fuzz
# targets add -fsanitize=fuzzer themselves.
if(ZARI_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
