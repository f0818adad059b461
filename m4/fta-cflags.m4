# FTA_ADD_CFLAGS(VARIABLE, FLAGS)
# -------------------------------
# Appends to VARIABLE each of FLAGS that the C compiler accepts, so the
# warning set degrades gracefully on older or other compilers.
AC_DEFUN([FTA_ADD_CFLAGS], [
  for fta_flag in $2; do
    AC_MSG_CHECKING([whether $CC accepts $fta_flag])
    fta_save_CFLAGS=$CFLAGS
    CFLAGS="$CFLAGS -Werror $fta_flag"
    AC_COMPILE_IFELSE([AC_LANG_PROGRAM([], [])],
      [AC_MSG_RESULT([yes]); $1="$$1 $fta_flag"],
      [AC_MSG_RESULT([no])])
    CFLAGS=$fta_save_CFLAGS
  done
])
