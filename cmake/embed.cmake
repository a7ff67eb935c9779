# Turns a text file into a C array: -DINPUT=file -DOUTPUT=file.c -DSYMBOL=name
file(READ ${INPUT} hex HEX)
string(LENGTH "${hex}" hexlen)
math(EXPR len "${hexlen} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," body "${hex}")
string(REGEX REPLACE "(0x[0-9a-f][0-9a-f],){16}" "\\0\n\t" body "${body}")
file(WRITE ${OUTPUT}
  "/* Generated from ${INPUT} by cmake/embed.cmake. Do not edit. */\n"
  "#include <stddef.h>\n"
  "const char ${SYMBOL}[] = {\n\t${body}0x00\n};\n"
  "const size_t ${SYMBOL}_len = ${len};\n")
