# ZARI_SANITIZE="address,undefined" or "thread": applied to every target.
if(ZARI_SANITIZE)
  add_compile_options(-fsanitize=${ZARI_SANITIZE} -fno-omit-frame-pointer -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${ZARI_SANITIZE})
endif()
