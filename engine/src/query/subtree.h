// SQL for "this scope or below it", usable by an index on scope.
#pragma once

// With the scope bound to ?N: rows whose scope is S or starts with "S/".
// '/' sorts just before '0', so "S/..." lies in [S/, S0).
#define YKIEN_SUBTREE(n) "(?" #n " = '' OR scope = ?" #n " OR (scope >= ?" #n " || '/' AND scope < ?" #n " || '0'))"
