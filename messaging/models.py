# Tables of this app arrive with its issue (see README, "Map of the apps").
