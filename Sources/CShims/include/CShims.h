#pragma once
/* C macros and variadic functions that Swift cannot import. */
